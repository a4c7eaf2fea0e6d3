using System.CommandLine;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class ShowServersCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames();
        var command = new Verb("show-servers", "show all configuration parameters for the specified servers")
        {
            Examples = ["barman show-servers pg", "barman -f json show-servers all"],
            ExitCodes = [new(0, "shown"), new(1, "an unknown server, or a configuration error")],
        };
        command.Add(servers);
        command.Aliases.Add("show-server");
        return runner.Bind(command, (parse, session, _) =>
        {
            ServerShow.Show(session.GetServers(parse.GetNames(servers), ServerSelectionMode.Show), session.Output);
            return Task.CompletedTask;
        });
    }
}
