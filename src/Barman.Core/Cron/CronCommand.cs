using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Metrics;
using Barman.Core.Output;

namespace Barman.Core.Cron;

/// <summary>
/// <c>barman cron</c>: what the system's cron runs every minute. Skips inactive and disabled
/// servers, then runs <see cref="ServerCron"/> for the others in name order; an unexpected failure
/// on one server is reported and the next server still runs. Never waits for the children. Then,
/// with <c>metrics_file</c> set, refreshes the metrics file.
/// </summary>
internal static class CronCommand
{
    public static Task RunAsync(BarmanConfig config, IOutput output, CronOptions options, CancellationToken cancellationToken) =>
        RunAsync(config, output, new DetachedBarmanLauncher(config.Global.ConfigFile, options.KeepDescriptors), cancellationToken);

    public static async Task RunAsync(BarmanConfig config, IOutput output, IBarmanChildLauncher launcher, CancellationToken cancellationToken)
    {
        // Barman's get_server_list(skip_inactive, skip_disabled) prints every skip before any server runs.
        var servers = new List<ServerConfig>();
        foreach (var server in config.Servers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (!server.Active)
                output.Info($"Skipping inactive server '{server.Name}'");
            else if (server.Disabled)
                output.Info($"Skipping temporarily disabled server '{server.Name}'");
            else
                servers.Add(server);
        }

        var serverOutput = output.ForLogger("barman.server");
        foreach (var server in servers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await new ServerCron(server, serverOutput, launcher).RunAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                // Protects the other servers from a failure on this one (Barman: same message).
                BarmanLog.For("barman.cli").Error(e, "Unable to run cron on server '{Server:l}'", server.Name);
                output.Exception($"Unable to run cron on server '{server.Name}', please look in the barman log file for more details.");
            }
        }
        if (config.Global.MetricsFile is { Length: > 0 } metricsFile)
            await WriteMetricsAsync(config, output, metricsFile, cancellationToken);
    }

    /// <summary><c>metrics_file</c>: refreshed at every run, after the servers were handled.</summary>
    private static async Task WriteMetricsAsync(BarmanConfig config, IOutput output, string path, CancellationToken cancellationToken)
    {
        try
        {
            MetricsExport.WriteFile(path, await MetricsExport.RenderAsync(MetricsExport.DefaultServers(config), cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            BarmanLog.For("barman.cli").Error(e, "Cannot write the metrics file {Path:l}", path);
            output.Error($"Cannot write the metrics file '{path}': {e.Message}");
        }
    }
}
