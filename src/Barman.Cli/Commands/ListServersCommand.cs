using System.CommandLine;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class ListServersCommand
{
    public static Command Build(VerbRunner runner)
    {
        var minimal = new Option<bool>("--minimal") { Description = "machine readable output" };
        var command = new Command("list-servers", "list available servers, with useful information") { minimal };
        command.Aliases.Add("list-server");
        return runner.Bind(command, (parse, session, _) =>
        {
            ServerListing.List(session.Config, session.Output, parse.GetValue(minimal));
            return Task.CompletedTask;
        });
    }
}
