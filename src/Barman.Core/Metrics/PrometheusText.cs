using System.Globalization;
using System.Text;

namespace Barman.Core.Metrics;

/// <summary>One sample: its labels (name, value) and value.</summary>
internal sealed record Sample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);

/// <summary>One metric family: name, help, and its samples (all gauges here).</summary>
internal sealed record MetricFamily(string Name, string Help, IReadOnlyList<Sample> Samples);

/// <summary>
/// The Prometheus text exposition format (version 0.0.4), as node_exporter's textfile collector and
/// <c>promtool check metrics</c> read it: <c># HELP</c> and <c># TYPE</c> once per family, its samples
/// together, label values escaped, one trailing newline.
/// </summary>
internal static class PrometheusText
{
    public static string Render(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families.Where(f => f.Samples.Count > 0))
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(" gauge\n");
            foreach (var sample in family.Samples)
            {
                text.Append(family.Name);
                if (sample.Labels.Count > 0)
                {
                    text.Append('{');
                    text.AppendJoin(',', sample.Labels.Select(l => $"{l.Key}=\"{EscapeLabel(l.Value)}\""));
                    text.Append('}');
                }
                text.Append(' ').Append(Number(sample.Value)).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>Go's float syntax: NaN, +Inf, -Inf, else the shortest round-trip form.</summary>
    public static string Number(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
