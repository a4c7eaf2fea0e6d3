using System.CommandLine;
using Barman.Core.Checks;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class StatusCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames();
        var command = new Command("status", "shows live information and status of the PostgreSQL server") { servers };
        return runner.Bind(command, async (parse, session, token) =>
        {
            foreach (var server in session.GetServers(parse.GetNames(servers), ServerSelectionMode.Operational))
                await ServerStatus.ShowAsync(server, session.Output, token);
        });
    }
}
