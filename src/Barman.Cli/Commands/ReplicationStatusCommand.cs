using System.CommandLine;
using Barman.Core.Checks;
using Barman.Core.Listing;

namespace Barman.Cli.Commands;

internal static class ReplicationStatusCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = new Argument<string[]>("server_name")
        {
            Description = "specifies the server names to show ('all' will show all available servers)",
            Arity = ArgumentArity.OneOrMore,
        };
        var minimal = new Option<bool>("--minimal") { Description = "machine readable output" };
        var target = new Option<string>("--target")
        {
            Description = "possible values are: 'hot-standby' (only hot standby servers), 'wal-streamer' (only WAL streaming clients, such as pg_receivewal), 'all' (any of them). Defaults to 'all'",
            DefaultValueFactory = _ => "all",
        };
        target.AcceptOnlyFromAmong("all", "hot-standby", "wal-streamer");
        var command = new Command("replication-status", "shows live information and status of any streaming client") { servers, minimal, target };
        return runner.Bind(command, async (parse, session, token) =>
        {
            var kind = parse.GetValue(target) switch
            {
                "hot-standby" => ReplicationTarget.HotStandby,
                "wal-streamer" => ReplicationTarget.WalStreamer,
                _ => ReplicationTarget.All,
            };
            foreach (var server in ServerSelection.Select(session.Config, session.Output, parse.GetValue(servers) ?? [], operational: true))
                await ReplicationStatus.ShowAsync(server, session.Output, kind, parse.GetValue(minimal), token);
        });
    }
}
