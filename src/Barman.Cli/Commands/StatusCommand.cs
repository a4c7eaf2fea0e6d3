using System.CommandLine;
using Barman.Core.Checks;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class StatusCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = new Argument<string[]>("server_name")
        {
            Description = "specifies the server names to show ('all' will show all available servers)",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("status", "shows live information and status of the PostgreSQL server") { servers };
        return runner.Bind(command, async (parse, session, token) =>
        {
            foreach (var server in ServerSelection.Select(session.Config, session.Output, parse.GetValue(servers) ?? [], operational: true))
                await ServerStatus.ShowAsync(server, session.Output, token);
        });
    }
}
