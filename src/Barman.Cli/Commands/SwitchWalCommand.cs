using System.CommandLine;
using System.Globalization;
using Barman.Core.Listing;
using Barman.Core.Wal;

namespace Barman.Cli.Commands;

internal static class SwitchWalCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = new Argument<string[]>("server_name")
        {
            Description = "specifies the server name target of the switch-wal command",
            Arity = ArgumentArity.OneOrMore,
        };
        var force = new Option<bool>("--force") { Description = "forces the switch by executing CHECKPOINT before pg_switch_wal()" };
        var archive = new Option<bool>("--archive") { Description = "wait for one WAL file to be archived" };
        var archiveTimeout = new Option<int>("--archive-timeout")
        {
            Description = "the time, in seconds, the archiver will wait for a new WAL file to be archived before timing out",
            DefaultValueFactory = _ => 30,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                    return seconds;
                result.AddError($"'{text}' is not a valid non negative integer");
                return 0;
            },
        };
        var command = new Command("switch-wal", "execute the switch-wal command on the target server") { servers, force, archive, archiveTimeout };
        command.Aliases.Add("switch-xlog");
        return runner.Bind(command, async (parse, session, token) =>
        {
            var options = new SwitchWalOptions(parse.GetValue(force), parse.GetValue(archive), parse.GetValue(archiveTimeout));
            foreach (var server in ServerSelection.Select(session.Config, session.Output, parse.GetValue(servers) ?? [], operational: true))
                await WalSwitch.RunAsync(server, session.Output, options, token);
        });
    }
}
