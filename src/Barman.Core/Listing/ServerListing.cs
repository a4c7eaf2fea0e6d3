using Barman.Core.Configuration;
using Barman.Core.Output;

namespace Barman.Core.Listing;

/// <summary><c>list-servers [--minimal]</c> (Barman §12.4).</summary>
internal static class ServerListing
{
    /// <summary>Barman's list-servers suffix: inactive wins over disabled; passive is appended to either.</summary>
    public static string Suffix(ServerConfig server)
    {
        var suffix = !server.Active ? " (inactive)"
            : server.Disabled ? " (WARNING: disabled)"
            : "";
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
