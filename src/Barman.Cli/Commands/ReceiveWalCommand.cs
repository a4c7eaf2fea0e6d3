using System.CommandLine;
using Barman.Core.Streaming;

namespace Barman.Cli.Commands;

internal static class ReceiveWalCommand
{
    public static Command Build(VerbRunner runner)
    {
        var server = Symbols.ServerName();
        var stop = new Option<bool>("--stop") { Description = "stop the receive-wal subprocess for the server" };
        var reset = new Option<bool>("--reset") { Description = "reset the status of receive-wal removing any status files" };
        var createSlot = new Option<bool>("--create-slot") { Description = "create the replication slot, if it does not exist" };
        var ifNotExists = new Option<bool>("--if-not-exists") { Description = "with --create-slot: do not fail if the slot already exists" };
        var dropSlot = new Option<bool>("--drop-slot") { Description = "drop the replication slot, if it exists" };
        var background = new Option<bool>("--background") { Description = "detach (own session, output to the log file only) once streaming started" };
        var command = new Command("receive-wal", "start a receive-wal process (pg_receivewal) for the server")
        {
            server, stop, reset, createSlot, ifNotExists, dropSlot, background,
        };
        return runner.Bind(command, async (parse, session, token) =>
        {
            var options = new ReceiveWalOptions
            {
                Stop = parse.GetValue(stop),
                Reset = parse.GetValue(reset),
                CreateSlot = parse.GetValue(createSlot),
                IfNotExists = parse.GetValue(ifNotExists),
                DropSlot = parse.GetValue(dropSlot),
                Background = parse.GetValue(background),
            };
            var config = session.GetServer(parse.GetValue(server)!, skipInactive: options.SkipsInactiveServer);
            if (config is null)
                return null;
            return await Core.Streaming.ReceiveWalCommand.DispatchAsync(config, session.Output, options, runner.Signals, token);
        });
    }
}
