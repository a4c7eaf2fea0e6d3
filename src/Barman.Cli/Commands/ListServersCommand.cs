using System.CommandLine;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class ListServersCommand
{
    public static Command Build(VerbRunner runner)
    {
        var minimal = new Option<bool>("--minimal") { Description = "machine readable output: the names only" };
        var command = new Verb("list-servers", "list available servers, with useful information")
        {
            Examples = ["barman list-servers", "barman list-servers --minimal"],
            ExitCodes = [new(0, "listed (also when no server is configured)"), new(1, "the configuration could not be read")],
        };
        command.Add(minimal);
        command.Aliases.Add("list-server");
        return runner.Bind(command, (parse, session, _) =>
        {
            ServerListing.List(session.Config, session.Output, parse.GetValue(minimal));
            return Task.CompletedTask;
        });
    }
}
