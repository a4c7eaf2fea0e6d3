using Barman.Core.Configuration;
using Barman.Core.Output;

namespace Barman.Core.Listing;

/// <summary><c>list-servers [--minimal]</c> (Barman §12.4).</summary>
internal static class ServerListing
{
    /// <summary>How list-servers and show-servers mark a server: <c>(inactive)</c> (which wins), <c>(WARNING: disabled)</c> or none.</summary>
    public static string? Mark(ServerConfig server) =>
        !server.Active ? "(inactive)" : server.Disabled ? "(WARNING: disabled)" : null;

    /// <summary>Barman's list-servers suffix: the mark, then <c>(Passive)</c>.</summary>
    public static string Suffix(ServerConfig server)
    {
        var suffix = Mark(server) is { } mark ? " " + mark : "";
        return server.Passive ? suffix + " (Passive)" : suffix;
    }

    public static void List(BarmanConfig config, IOutput output, bool minimal)
    {
        foreach (var server in config.Servers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (minimal)
                output.ResultListServer(server.Name, null, "");
            else
                output.ResultListServer(server.Name, server.Description, Suffix(server));
        }
    }
}
