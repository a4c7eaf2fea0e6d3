using System.CommandLine;
using Barman.Core.Wal.Verify;

namespace Barman.Cli.Commands;

internal static class VerifyWalCommand
{
    public static Command Build(VerbRunner runner)
    {
        var server = Symbols.ServerName();
        var fromLast = new Option<bool>("--from-last") { Description = "start where the last proven run ended instead of at the first archived WAL file" };
        var command = new Command("verify-wal", "Prove that the WAL archive of a server replays: continuity of every timeline, every page header, every record's checksum and link, and xlog.db against the archive.") { server, fromLast };
        return runner.Bind(command, async (parse, session, ct) =>
        {
            if (session.GetServer(parse.GetValue(server)!) is { } config)
                await VerifyWal.RunAsync(config, session.Output.ForLogger("barman.wal"), new VerifyWalOptions(parse.GetValue(fromLast)), ct);
        });
    }
}
