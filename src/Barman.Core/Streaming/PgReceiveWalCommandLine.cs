using Barman.Core.Configuration;
using Barman.Core.Postgres;

namespace Barman.Core.Streaming;

/// <summary>
/// The pg_receivewal argv Barman builds (<c>PgReceiveXlog.__init__</c>, spec §6.5):
/// <c>&lt;path&gt; --dbname=&lt;dsn&gt; --verbose --no-loop --no-password --directory=&lt;dir&gt; [--slot=&lt;slot&gt;] [--synchronous]</c>.
/// </summary>
internal static class PgReceiveWalCommandLine
{
    /// <exception cref="ConninfoException">the streaming conninfo cannot be parsed.</exception>
    public static IReadOnlyList<string> Build(string binaryPath, ServerConfig server, bool synchronous)
    {
        var conninfo = Conninfo.Parse(StreamingConninfo(server) ?? "");
        var argv = new List<string>
        {
            binaryPath,
            "--dbname=" + conninfo.ToStreamingConnectionString(server.StreamingArchiverName),
            "--verbose",
            "--no-loop",
            "--no-password",
            "--directory=" + server.StreamingWalsDirectory,
        };
        if (!string.IsNullOrEmpty(server.SlotName))
            argv.Add("--slot=" + server.SlotName);
        if (synchronous)
            argv.Add("--synchronous");
        return argv;
    }

    /// <summary><c>streaming_conninfo</c>, which defaults to <c>conninfo</c>.</summary>
    public static string? StreamingConninfo(ServerConfig server) =>
        string.IsNullOrEmpty(server.StreamingConninfo) ? server.Conninfo : server.StreamingConninfo;
}
