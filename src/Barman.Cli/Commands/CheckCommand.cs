using System.CommandLine;
using Barman.Core.Checks;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class CheckCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames("specifies the server names to check ('all' will check all available servers)");
        var nagios = new Option<bool>("--nagios") { Description = "Nagios plugin compatible output" };
        var command = new Command("check", "check if the server configuration is working") { servers, nagios };
        return runner.Bind(command, (parse, session, token) =>
            new ServerChecker().CheckAllAsync(session.GetServers(parse.GetNames(servers), ServerSelectionMode.Every), session.Output, token),
            nagios);
    }
}
