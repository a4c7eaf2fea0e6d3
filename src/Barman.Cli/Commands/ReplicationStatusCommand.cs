using System.CommandLine;
using Barman.Core.Checks;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class ReplicationStatusCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames();
        var minimal = new Option<bool>("--minimal") { Description = "machine readable output" };
        var target = Symbols.Choice("--target",
            "possible values are: 'hot-standby' (only hot standby servers), 'wal-streamer' (only WAL streaming clients, such as pg_receivewal), 'all' (any of them). Defaults to 'all'",
            "all", ("all", ReplicationTarget.All), ("hot-standby", ReplicationTarget.HotStandby), ("wal-streamer", ReplicationTarget.WalStreamer));
        var command = new Command("replication-status", "shows live information and status of any streaming client") { servers, minimal, target.Option };
        return runner.Bind(command, async (parse, session, token) =>
        {
            foreach (var server in session.GetServers(parse.GetNames(servers), ServerSelectionMode.Operational))
                await ReplicationStatus.ShowAsync(server, session.Output, target.GetValue(parse), parse.GetValue(minimal), token);
        });
    }
}
