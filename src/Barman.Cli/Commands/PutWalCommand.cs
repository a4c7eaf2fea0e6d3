using System.CommandLine;
using Barman.Core.Transfer;

namespace Barman.Cli.Commands;

internal static class PutWalCommand
{
    public static Command Build(VerbRunner runner)
    {
        var server = Symbols.ServerName();
        var test = new Option<bool>("--test", "-t")
        {
            Description = "test both the connection and the configuration of the requested PostgreSQL server in Barman to make sure it is ready to receive WAL files.",
        };
        var command = new Command("put-wal", """
            Receive a WAL file from SERVER_NAME and securely store it in the incoming directory. The file will be read from standard input in tar format (as barman-wal-archive sends it: the files, then MD5SUMS or SHA256SUMS).

            Examples:
              archive_command = 'barman-wal-archive backup.example.com pg %p'   (on the PostgreSQL host)
              barman put-wal pg < wal.tar

            Exit codes: 0 stored (or already there, identical); 1 refused (bad checksum, malformed stream, name with '/', a different file already there; nothing is written) or another error; 2 command-line error.
            """)
        {
            server, test,
        };
        return runner.Bind(command, async (parse, session, token) =>
        {
            if (session.GetServer(parse.GetValue(server)!, skipInactive: false) is { } config)
                await PutWal.RunAsync(config, session.Output.ForLogger("barman.server"), parse.GetValue(test), session.OpenStandardInput, token);
        });
    }
}
