using System.CommandLine;
using Barman.Core.Listing;
using Barman.Core.Metrics;

namespace Barman.Cli.Commands;

internal static class MetricsCommand
{
    public static Command Build(VerbRunner runner)
    {
        var servers = new Argument<string[]>("server_name")
        {
            Description = "specifies the server names to export ('all' for every server; default: every active server)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var outputFile = new Option<string?>("--output-file")
        {
            Description = "write the metrics to this file, replaced atomically (for node_exporter's textfile collector), instead of standard output",
            HelpName = "FILE",
        };
        var command = new Verb("metrics", "print the servers' WAL streaming and archiving metrics in the Prometheus text format")
        {
            Examples = ["barman metrics", "barman metrics --output-file /var/lib/prometheus/node-exporter/barman.prom pg"],
            ExitCodes = [new(0, "exported"), new(1, "an unknown server, the file could not be written, or an error")],
        };
        command.Add(servers);
        command.Add(outputFile);
        return runner.Bind(command, async (parse, session, token) =>
        {
            var names = parse.GetNames(servers);
            var selected = names.Count == 0
                ? MetricsExport.DefaultServers(session.Config)
                : session.GetServers(names, ServerSelectionMode.Every);
            var text = await MetricsExport.RenderAsync(selected, token);
            if (parse.GetValue(outputFile) is not { } path)
            {
                await runner.Out.WriteAsync(text);
                return;
            }
            try
            {
                MetricsExport.WriteFile(path, text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                session.Output.Error($"Cannot write the metrics file '{path}': {e.Message}");
            }
        });
    }
}
