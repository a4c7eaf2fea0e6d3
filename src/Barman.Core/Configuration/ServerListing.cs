using Barman.Core.Output;

namespace Barman.Core.Configuration;

/// <summary><c>list-servers [--minimal]</c> (Barman §12.4).</summary>
public static class ServerListing
{
    public static string Suffix(ServerConfig server) =>
        !server.Active ? " (inactive)"
        : server.Disabled ? " (WARNING: disabled)"
        : server.Passive ? " (Passive)"
        : "";

    public static void List(BarmanConfig config, IOutput output, bool minimal)
    {
        foreach (var server in config.Servers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (minimal)
                output.Info(server.Name);
            else
                output.ResultListServer(server.Name, server.Description, Suffix(server));
        }
    }
}
