using System.CommandLine;
using Barman.Core.Checks;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class CheckCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = new Argument<string[]>("server_name")
        {
            Description = "specifies the server names to check ('all' will check all available servers)",
            Arity = ArgumentArity.OneOrMore,
        };
        var nagios = new Option<bool>("--nagios") { Description = "Nagios plugin compatible output" };
        var command = new Command("check", "check if the server configuration is working") { servers, nagios };
        command.SetAction((parse, ct) => runner.RunAsync(parse, async (session, token) =>
        {
            var selected = ServerSelection.Select(session.Config, session.Output, parse.GetValue(servers) ?? [], operational: false);
            await new ServerChecker().CheckAllAsync(selected, session.Output, token);
        }, ct, nagios: parse.GetValue(nagios)));
        return command;
    }
}
