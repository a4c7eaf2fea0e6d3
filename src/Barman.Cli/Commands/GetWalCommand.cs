using System.CommandLine;
using System.Globalization;
using Barman.Core.Transfer;

namespace Barman.Cli.Commands;

internal static class GetWalCommand
{
    public static Command Build(VerbRunner runner)
    {
        var server = Symbols.ServerName();
        var walName = new Argument<string>("wal_name") { Description = "the WAL file to get" };
        var outputDirectory = new Option<string?>("--output-directory", "-o")
        {
            Description = "put the retrieved WAL file in this directory with the original name",
            HelpName = "OUTPUT_DIRECTORY",
        };
        var partial = new Option<bool>("--partial", "-P") { Description = "retrieve also partial WAL files (.partial)" };
        var gzip = new Option<bool>("--gzip", "-z", "-x") { Description = "compress the output with gzip" };
        var bzip2 = new Option<bool>("--bzip2", "-j") { Description = "compress the output with bzip2" };
        var keep = new Option<bool>("--keep-compression") { Description = "send the file as it is stored in the archive (compressed or not)" };
        var peek = new Option<int?>("--peek", "-p")
        {
            Description = "peek from the WAL archive up to 'SIZE' WAL files, starting from the requested one. 'SIZE' must be an integer >= 1. "
                + "When invoked with this option, get-wal returns a list of zero to 'SIZE' WAL segment names, one per row.",
            HelpName = "SIZE",
            CustomParser = result =>
            {
                // Barman's check_positive.
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                    result.AddError($"'{text}' is not a valid input");
                else if (value < 1)
                    result.AddError($"'{text}' is not a valid positive integer");
                return value;
            },
        };
        var test = new Option<bool>("--test", "-t")
        {
            Description = "test both the connection and the configuration of the requested PostgreSQL server in Barman for WAL retrieval. "
                + "With this option, the 'wal_name' mandatory argument is ignored.",
        };
        var command = new Command("get-wal", """
            Retrieve WAL_NAME file from SERVER_NAME archive (then incoming/ and streaming/). The content is streamed on standard output (and nothing else is) unless the --output-directory option is specified.

            Examples:
              restore_command = 'barman get-wal pg %f > %p'
              restore_command = 'barman get-wal -P pg %f > %p'   (also the last, still partial, streamed segment)
              barman get-wal -o /var/tmp/wal pg 000000010000000000000042

            Exit codes: 0 sent (or listed with --peek, or ready with --test); 1 not found in the server, or another error (nothing half-written); 2 command-line error; 3 invalid WAL name, or the output file cannot be opened.
            """)
        {
            server, walName, outputDirectory, partial, gzip, bzip2, keep, peek, test,
        };
        command.Validators.Add(result =>
        {
            var chosen = new[] { ("-z/--gzip", gzip), ("-j/--bzip2", bzip2), ("--keep-compression", keep) }.Where(o => result.GetValue(o.Item2)).Select(o => o.Item1).ToList();
            if (chosen.Count > 1)
                result.AddError($"argument {chosen[1]}: not allowed with argument {chosen[0]}");
        });
        return runner.Bind(command, async (parse, session, token) =>
        {
            if (session.GetServer(parse.GetValue(server)!, skipInactive: false) is not { } config)
                return;
            var compression = parse.GetValue(gzip) ? OutputCompression.Gzip
                : parse.GetValue(bzip2) ? OutputCompression.Bzip2
                : parse.GetValue(keep) ? OutputCompression.Keep
                : OutputCompression.None;
            var options = new GetWalOptions(parse.GetValue(walName)!, parse.GetValue(outputDirectory), parse.GetValue(partial), compression, parse.GetValue(peek), parse.GetValue(test));
            await GetWal.RunAsync(config, session.Output.ForLogger("barman.server"), options, session.ClaimStandardOutput, token);
        });
    }
}
