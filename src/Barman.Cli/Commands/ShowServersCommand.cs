using System.CommandLine;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class ShowServersCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames();
        var command = new Command("show-servers", "show all configuration parameters for the specified servers") { servers };
        command.Aliases.Add("show-server");
        return runner.Bind(command, (parse, session, _) =>
        {
            ServerShow.Show(session.GetServers(parse.GetNames(servers), ServerSelectionMode.Show), session.Output);
            return Task.CompletedTask;
        });
    }
}
