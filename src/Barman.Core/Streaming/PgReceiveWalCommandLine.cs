using Barman.Core.Configuration;
using Barman.Core.Postgres;

namespace Barman.Core.Streaming;

/// <summary>How pg_receivewal is run: its argv and what its environment adds (<c>PATH</c>, <c>PGPASSWORD</c>).</summary>
internal sealed record PgReceiveWalCommand(IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// The pg_receivewal argv Barman builds (<c>PgReceiveXlog.__init__</c>, spec §6.5):
/// <c>&lt;path&gt; --dbname=&lt;dsn&gt; --verbose --no-loop --no-password --directory=&lt;dir&gt; [--slot=&lt;slot&gt;] [--synchronous]</c>,
/// except that the password travels in the environment, never on the command line (<see cref="ChildConninfo"/>).
/// </summary>
internal static class PgReceiveWalCommandLine
{
    /// <exception cref="ConninfoException">the streaming conninfo cannot be parsed.</exception>
    public static PgReceiveWalCommand Build(string binaryPath, ServerConfig server, bool synchronous)
    {
        var child = ChildConninfo.For(Conninfo.Parse(StreamingConninfo(server) ?? ""));
        var argv = new List<string>
        {
            binaryPath,
            "--dbname=" + child.Conninfo.ToStreamingConnectionString(server.StreamingArchiverName),
            "--verbose",
            "--no-loop",
            "--no-password",
            "--directory=" + server.StreamingWalsDirectory,
        };
        if (!string.IsNullOrEmpty(server.SlotName))
            argv.Add("--slot=" + server.SlotName);
        if (synchronous)
            argv.Add("--synchronous");
        var environment = new Dictionary<string, string>(child.Environment, StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(server.PathPrefix))
            environment["PATH"] = server.SearchPath;
        return new PgReceiveWalCommand(argv, environment);
    }

    /// <summary><c>streaming_conninfo</c>, which defaults to <c>conninfo</c>.</summary>
    public static string? StreamingConninfo(ServerConfig server) =>
        string.IsNullOrEmpty(server.StreamingConninfo) ? server.Conninfo : server.StreamingConninfo;
}
