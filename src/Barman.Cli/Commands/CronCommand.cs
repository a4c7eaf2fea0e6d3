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
        var command = new Command("cron", "Run maintenance tasks (global command)") { keepDescriptors };
        return runner.Bind(command, (parse, session, ct) =>
            Core.Cron.CronCommand.RunAsync(session.Config, session.Output, new CronOptions(parse.GetValue(keepDescriptors)), ct));
    }
}
