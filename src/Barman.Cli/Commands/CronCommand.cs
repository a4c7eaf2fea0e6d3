using System.CommandLine;
using Barman.Core.Cron;

namespace Barman.Cli.Commands;

internal static class CronCommand
{
    public static Command Build(VerbRunner runner)
    {
        var keepDescriptors = new Option<bool>("--keep-descriptors")
        {
            Description = "Keep the stdout and the stderr streams of the Barman subprocesses attached to this one. This is useful for Docker based installations.",
        };
        var command = new Verb("cron",
            "start archive-wal and receive-wal in the background for every active server that needs them (global command; run it every minute)")
        {
            Examples = ["barman cron", "barman cron --keep-descriptors"],
            ExitCodes =
            [
                new(0, "the servers were handled (the children's own outcome is in the log, check and metrics)"),
                new(1, "an error (a lock could not be opened, a server failed)"),
            ],
        };
        command.Add(keepDescriptors);
        return runner.Bind(command, (parse, session, ct) =>
            Core.Cron.CronCommand.RunAsync(session.Config, session.Output, new CronOptions(parse.GetValue(keepDescriptors)), ct));
    }
}
