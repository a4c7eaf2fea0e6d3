using System.CommandLine;
using Barman.Core.Streaming;

namespace Barman.Cli.Commands;

internal static class ReceiveWalCommand
{
    public static Command Build(VerbRunner runner)
    {
        var server = Symbols.ServerName();
        var stop = new Option<bool>("--stop") { Description = "stop the receive-wal running for the server (SIGINT, then wait up to 10 s)" };
        var reset = new Option<bool>("--reset")
        {
            Description = "with receive-wal stopped: realign the streaming directory with the server's current WAL position (the newest .partial is moved to errors/, never deleted)",
        };
        var createSlot = new Option<bool>("--create-slot") { Description = "create the replication slot (slot_name) and exit; an existing slot is an error unless --if-not-exists" };
        var ifNotExists = new Option<bool>("--if-not-exists") { Description = "with --create-slot: an existing slot is not an error" };
        var dropSlot = new Option<bool>("--drop-slot") { Description = "drop the replication slot and exit; a missing slot is an error" };
        var background = new Option<bool>("--background") { Description = "detach (own session, output to the log file only) once streaming started" };
        var command = new Verb("receive-wal", "stream WAL from the server with pg_receivewal into its streaming directory (foreground, restarted when the stream drops); or stop it, reset it, create or drop its replication slot")
        {
            Examples = ["barman receive-wal --create-slot pg", "barman receive-wal --background pg", "barman receive-wal --stop pg"],
            ExitCodes =
            [
                new(0, "stopped by SIGINT (--stop), or the slot, stop or reset action done"),
                new(1, "an error (ERROR: ArchiverFailure:..., slot exists or is missing, nothing to stop)"),
                new(129, "stopped by SIGHUP"),
                new(143, "stopped by SIGTERM"),
            ],
        };
        foreach (var option in new[] { stop, reset, createSlot, ifNotExists, dropSlot, background })
            command.Add(option);
        command.Add(server);
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
