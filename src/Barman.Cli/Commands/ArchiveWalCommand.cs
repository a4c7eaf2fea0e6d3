using System.CommandLine;
using Barman.Core.Wal;

namespace Barman.Cli.Commands;

internal static class ArchiveWalCommand
{
    public static Command Build(VerbRunner runner)
    {
        var server = Symbols.ServerName();
        var command = new Verb("archive-wal",
            "archive the completed WAL files waiting in the server's streaming and incoming directories into its WAL archive (wals/ and xlog.db), and record the outcome for check and metrics")
        {
            Examples = ["barman archive-wal pg"],
            ExitCodes =
            [
                new(0, "archived, nothing to do, or another archive-wal is running"),
                new(1, "a file could not be archived (it stays queued), or an error"),
            ],
        };
        command.Add(server);
        return runner.Bind(command, async (parse, session, ct) =>
        {
            if (session.GetServer(parse.GetValue(server)!) is { } config)
                await ArchiveWal.RunAsync(config, session.Output.ForLogger("barman.server"), verbose: true, ct);
        });
    }
}
