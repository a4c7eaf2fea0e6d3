using System.Text;
using Barman.Core.Configuration;
using Barman.Core.Os;

namespace Barman.Core.Metrics;

/// <summary>
/// <c>barman metrics</c> and cron's <c>metrics_file</c>: the metrics of several servers collected
/// concurrently and rendered as Prometheus text, printed or written for node_exporter's textfile
/// collector (replaced atomically: it never reads half a file).
/// </summary>
internal static class MetricsExport
{
    /// <summary>Mode of the metrics file: node_exporter runs as another user and must read it.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The servers exported when none is named (and by cron): every active server.</summary>
    public static IReadOnlyList<ServerConfig> DefaultServers(BarmanConfig config) => [.. config.Servers.Where(s => s.Active)];

    public static async Task<string> RenderAsync(IEnumerable<ServerConfig> servers, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        await using var collector = new MetricsCollector(clock);
        var collected = await Task.WhenAll(servers.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => collector.CollectAsync(s, cancellationToken)));
        return PrometheusText.Render(MetricNames.Families(collected));
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> (temp, fsync, rename, fsync of the directory), mode 0644.</summary>
    /// <exception cref="IOException">the file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">permission denied.</exception>
    public static void WriteFile(string path, string text) => DurableFile.Replace(path, Encoding.UTF8.GetBytes(text), FileMode);
}
