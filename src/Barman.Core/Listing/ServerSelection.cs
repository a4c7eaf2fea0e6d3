using Barman.Core.Configuration;
using Barman.Core.Output;

namespace Barman.Core.Listing;

/// <summary>What a multi-server verb does with the servers named on its command line.</summary>
internal enum ServerSelectionMode
{
    /// <summary>check: every named server, inactive and disabled ones included.</summary>
    Every,

    /// <summary>
    /// status, replication-status, switch-wal: inactive servers are skipped (<c>Skipping inactive
    /// server</c>, printed before any other output) and disabled ones print their messages as errors.
    /// </summary>
    Operational,

    /// <summary>
    /// show-servers: every named server, inactive and disabled ones included, the names taken as given
    /// (duplicates kept, unknown ones reported in order); <c>all</c> mixed with names selects nothing.
    /// </summary>
    Show,
}

/// <summary>
/// Which servers a verb works on: Barman's <c>get_server</c> for the single-server verbs, and
/// <c>get_server_list</c> + <c>manage_server_command</c> for the others (<c>all</c> or the named
/// servers, sorted by name). Unknown names, <c>all</c> misused and disabled servers are reported here.
/// </summary>
internal static class ServerSelection
{
    /// <summary>The one server a single-server verb works on, or null after printing why not (unknown, <c>all</c>, inactive, disabled).</summary>
    /// <param name="skipInactive">false: an inactive server is selected (receive-wal --stop, --reset, slot commands).</param>
    public static ServerConfig? Single(BarmanConfig config, IOutput output, string name, bool skipInactive)
    {
        if (name == "all")
        {
            output.Error("You cannot use 'all' in a single server context");
            return null;
        }
        var server = config.Find(name);
        if (server is null)
        {
            output.Error($"Unknown server '{name}'");
            return null;
        }
        if (!server.Active && skipInactive)
        {
            output.Info($"Skipping inactive server '{name}'");
            return null;
        }
        if (server.Disabled)
        {
            ReportDisabled(server, output);
            return null;
        }
        return server;
    }

    /// <summary>The servers a multi-server verb works on, sorted by name (<see cref="ServerSelectionMode.Show"/>: as named).</summary>
    public static IReadOnlyList<ServerConfig> Select(BarmanConfig config, IOutput output, IReadOnlyList<string> names, ServerSelectionMode mode)
    {
        var requested = Requested(config, output, names, mode);
        var operational = mode == ServerSelectionMode.Operational;

        // Barman prints the "skipping" lines while building the list, before any server's output.
        if (operational)
        {
            foreach (var name in requested)
            {
                if (config.Find(name) is { Active: false })
                    output.Info($"Skipping inactive server '{name}'");
            }
        }

        var result = new List<ServerConfig>();
        foreach (var name in requested)
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
                ReportDisabled(server, output);
                continue;
            }
            result.Add(server);
        }
        return result;
    }

    private static IReadOnlyList<string> Requested(BarmanConfig config, IOutput output, IReadOnlyList<string> names, ServerSelectionMode mode)
    {
        if (!names.Contains("all"))
            return mode == ServerSelectionMode.Show ? names : [.. names.Distinct().Order(StringComparer.Ordinal)];
        if (names.Count != 1)
        {
            output.Error("You cannot use 'all' with other server names");
            if (mode == ServerSelectionMode.Show)
                return [];
        }
        return [.. config.Servers.Select(s => s.Name).Order(StringComparer.Ordinal)];
    }

    private static void ReportDisabled(ServerConfig server, IOutput output)
    {
        foreach (var message in server.Messages)
            output.Error(message);
    }
}
