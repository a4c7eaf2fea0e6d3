using System.CommandLine;
using Barman.Core.Checks;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class ReplicationStatusCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames();
        var minimal = new Option<bool>("--minimal") { Description = "machine readable output: one line per client" };
        var target = Symbols.Choice("--target",
            "possible values are: 'hot-standby' (only hot standby servers), 'wal-streamer' (only WAL streaming clients, such as pg_receivewal), 'all' (any of them). Defaults to 'all'",
            "all", ("all", ReplicationTarget.All), ("hot-standby", ReplicationTarget.HotStandby), ("wal-streamer", ReplicationTarget.WalStreamer));
        var command = new Verb("replication-status", "shows live information and status of any streaming client (pg_stat_replication)")
        {
            Examples = ["barman replication-status pg", "barman replication-status --minimal --target wal-streamer all", "barman -f json replication-status pg"],
            ExitCodes = [new(0, "shown"), new(1, "a server could not be queried, or an error")],
        };
        command.Add(servers);
        command.Add(minimal);
        command.Add(target.Option);
        return runner.Bind(command, async (parse, session, token) =>
        {
            foreach (var server in session.GetServers(parse.GetNames(servers), ServerSelectionMode.Operational))
                await ReplicationStatus.ShowAsync(server, session.Output, target.GetValue(parse), parse.GetValue(minimal), token);
        });
    }
}
