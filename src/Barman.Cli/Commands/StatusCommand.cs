using System.CommandLine;
using Barman.Core.Checks;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class StatusCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames();
        var command = new Verb("status", "shows live information and status of the PostgreSQL server and of WAL streaming and archiving")
        {
            Examples = ["barman status pg", "barman status all"],
            ExitCodes = [new(0, "shown (an unreachable server is a line of the status)"), new(1, "an unknown or disabled server, or an error")],
        };
        command.Add(servers);
        return runner.Bind(command, async (parse, session, token) =>
        {
            foreach (var server in session.GetServers(parse.GetNames(servers), ServerSelectionMode.Operational))
                await ServerStatus.ShowAsync(server, session.Output, token);
        });
    }
}
