using System.CommandLine;
using Barman.Core.Listing;
using Barman.Core.Wal;

namespace Barman.Cli.Commands;

internal static class SwitchWalCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames("specifies the server name target of the switch-wal command");
        var force = new Option<bool>("--force") { Description = "forces the switch by executing CHECKPOINT before pg_switch_wal()" };
        var archive = new Option<bool>("--archive") { Description = "wait for one WAL file to be archived" };
        var archiveTimeout = Symbols.NonNegativeInteger("--archive-timeout",
            "the time, in seconds, the archiver will wait for a new WAL file to be archived before timing out", defaultValue: 30);
        var command = new Verb("switch-wal", "close the current WAL segment on the server (pg_switch_wal); optionally wait until it is archived")
        {
            Examples = ["barman switch-wal pg", "barman switch-wal --force --archive --archive-timeout 60 pg"],
            ExitCodes =
            [
                new(0, "switched (or nothing to switch), and archived with --archive"),
                new(1, "not permitted, the server could not be reached, the wait timed out, or an error"),
            ],
        };
        command.Add(servers);
        command.Add(force);
        command.Add(archive);
        command.Add(archiveTimeout);
        command.Aliases.Add("switch-xlog");
        return runner.Bind(command, async (parse, session, token) =>
        {
            var options = new SwitchWalOptions(parse.GetValue(force), parse.GetValue(archive), parse.GetValue(archiveTimeout));
            foreach (var server in session.GetServers(parse.GetNames(servers), ServerSelectionMode.Operational))
                await WalSwitch.RunAsync(server, session.Output, options, token);
        });
    }
}
