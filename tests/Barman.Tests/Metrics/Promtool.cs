using Barman.Tests.Infrastructure;

namespace Barman.Tests.Metrics;

/// <summary>Prometheus' own validator (<c>promtool check metrics</c>, from Debian's prometheus package: .ci/run installs it).</summary>
internal static class Promtool
{
    public static async Task<CliResult> CheckAsync(string exposition) =>
        await ExternalProcess.RunAsync("promtool", ["check", "metrics"], stdin: exposition);

    public static async Task AssertValidAsync(string exposition)
    {
        var r = await CheckAsync(exposition);
        Assert.True(r.ExitCode == 0 && r.Out.Length == 0 && r.Err.Length == 0, $"promtool check metrics: {r}\n--- input\n{exposition}");
    }

    /// <summary>The value of the sample <paramref name="name"/> with exactly these labels; null when absent.</summary>
    public static double? Value(string exposition, string name, string labels)
    {
        var prefix = $"{name}{{{labels}}} ";
        var line = exposition.Split('\n').SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The names of the metric families (<c># TYPE</c> lines).</summary>
    public static IReadOnlyList<string> Families(string exposition) =>
        [.. exposition.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2])];
}
