using Barman.Core.Configuration;
using Barman.Core.Output;

namespace Barman.Core.Listing;

/// <summary>
/// Barman's <c>get_server_list</c> + <c>manage_server_command</c> for the multi-server verbs
/// (check, status, replication-status, switch-wal): <c>all</c> or the named servers, sorted.
/// </summary>
internal static class ServerSelection
{
    /// <param name="operational">
    /// true for status/replication-status/switch-wal: inactive servers are skipped
    /// (<c>Skipping inactive server</c>) and disabled ones print their messages as errors;
    /// false for check, which runs on every server.
    /// </param>
    public static IReadOnlyList<ServerConfig> Select(BarmanConfig config, IOutput output, IReadOnlyList<string> names, bool operational)
    {
        IEnumerable<string> requested;
        if (names.Contains("all"))
        {
            if (names.Count != 1)
                output.Error("You cannot use 'all' with other server names");
            requested = config.Servers.Select(s => s.Name);
        }
        else
        {
            requested = names.Distinct();
        }
        var sorted = requested.Order(StringComparer.Ordinal).ToList();

        // Barman prints the "skipping" lines while building the list, before any server's output.
        if (operational)
        {
            foreach (var name in sorted)
            {
                if (config.Find(name) is { Active: false })
                    output.Info($"Skipping inactive server '{name}'");
            }
        }

        var result = new List<ServerConfig>();
        foreach (var name in sorted)
        {
            var server = config.Find(name);
            if (server is null)
            {
                output.Error($"Unknown server '{name}'");
                continue;
            }
            if (operational && !server.Active)
                continue;
            if (operational && server.Disabled)
            {
                foreach (var message in server.Messages)
                    output.Error(message);
                continue;
            }
            result.Add(server);
        }
        return result;
    }
}
