using System.CommandLine;
using Barman.Core.Wal;

namespace Barman.Cli.Commands;

internal static class ArchiveWalCommand
{
    public static Command Build(VerbRunner runner)
    {
        var server = Symbols.ServerName();
        var command = new Command("archive-wal", "Execute maintenance operations on WAL files for a given server. This command processes any incoming WAL files for the server and archives them along the catalogue.") { server };
        return runner.Bind(command, async (parse, session, ct) =>
        {
            if (session.GetServer(parse.GetValue(server)!) is { } config)
                await ArchiveWal.RunAsync(config, session.Output.ForLogger("barman.server"), verbose: true, ct);
        });
    }
}
