using System.CommandLine;
using Barman.Core.Checks;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class CheckCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames("specifies the server names to check ('all' will check all available servers)");
        var nagios = new Option<bool>("--nagios") { Description = "Nagios plugin output: one status line with perfdata, then one line per failed item" };
        var command = new Verb("check", "check if the server configuration is working, and whether WAL streaming and archiving work")
        {
            Examples = ["barman check pg", "barman check --nagios all"],
            ExitCodes =
            [
                new(0, "every item OK (failures of inactive servers are ignored)"),
                new(1, "an item FAILED, or an error"),
                new(2, "with --nagios: an item FAILED (BARMAN CRITICAL)"),
            ],
        };
        command.Add(servers);
        command.Add(nagios);
        return runner.Bind(command, (parse, session, token) =>
            new ServerChecker().CheckAllAsync(session.GetServers(parse.GetNames(servers), ServerSelectionMode.Every), session.Output, token),
            nagios);
    }
}
