using System.CommandLine;
using Barman.Core.Listing;
using Barman.Core.Wal;

namespace Barman.Cli.Commands;

internal static class RebuildXlogdbCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = Symbols.ServerNames("specifies the server name for the command");
        var command = new Command("rebuild-xlogdb", """
            Rebuild the WAL file database (xlog.db) guessing it from the archive content.

            Examples:
              barman rebuild-xlogdb pg
              barman rebuild-xlogdb all

            Exit codes: 0 rebuilt (or an inactive server skipped); 1 unknown or disabled server, or an error (xlog.db is left as it was); 2 command-line error.
            """)
        {
            servers,
        };
        return runner.Bind(command, async (parse, session, token) =>
        {
            foreach (var server in session.GetServers(parse.GetNames(servers), ServerSelectionMode.Operational))
                await XlogDbRebuild.RunAsync(server, session.Output.ForLogger("barman.backup"), token);
        });
    }
}
