using Barman.Core.Configuration;
using Barman.Core.Output;
using Barman.Core.Text;

namespace Barman.Core.Listing;

/// <summary><c>show-servers SERVER...|all</c>: every configuration value of each server, sorted by key (Barman §12.4).</summary>
internal static class ServerShow
{
    /// <summary>The lines of one server: every server key of the table plus Barman's extra attributes, sorted.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Values(ServerConfig server)
    {
        var values = new List<KeyValuePair<string, string>>
        {
            new("barman_home", server.Global.BarmanHome),
            new("barman_lock_directory", server.Global.LockDirectory),
            new("msg_list", PyRepr.List(server.Messages)),
            new("name", server.Name),
            new("passive_node", PyRepr.Bool(server.Passive)),
        };
        foreach (var key in ConfigKeys.Server)
            values.Add(new(key.Name, key.Show!(server)));
        values.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return values;
    }

    public static void Show(IEnumerable<ServerConfig> servers, IOutput output)
    {
        foreach (var server in servers.OrderBy(s => s.Name, StringComparer.Ordinal))
            output.ResultShowServer(server.Name, ServerListing.Mark(server), Values(server));
    }
}
