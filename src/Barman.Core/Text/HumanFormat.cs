using System.Globalization;

namespace Barman.Core.Text;

/// <summary>Barman's human-readable sizes and intervals (<c>utils.pretty_size</c>, <c>human_readable_timedelta</c>).</summary>
internal static class HumanFormat
{
    private static readonly string[] Suffixes = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

    /// <summary><c>0 B</c>, <c>1023 B</c>, <c>45.1 MiB</c>, <c>-32.0 MiB</c> (bytes without decimals, larger units with one).</summary>
    public static string PrettySize(double size)
    {
        for (var i = 0; i < Suffixes.Length; i++)
        {
            if (Math.Abs(size) < 1024 || i == Suffixes.Length - 1)
            {
                return i == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{(long)size} {Suffixes[i]}")
                    : string.Create(CultureInfo.InvariantCulture, $"{size:0.0} {Suffixes[i]}");
            }
            size /= 1024;
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary><c>1 day, 2 hours, 3 minutes, 4 seconds</c>; <c>less than one second</c>; negative intervals end with <c> ago</c>.</summary>
    public static string Timedelta(TimeSpan interval)
    {
        var delta = interval.Duration();
        var parts = new List<string>();
        Add(parts, delta.Days, "day");
        Add(parts, delta.Hours, "hour");
        Add(parts, delta.Minutes, "minute");
        Add(parts, delta.Seconds, "second");
        var human = delta < TimeSpan.FromSeconds(1) ? "less than one second" : string.Join(", ", parts);
        return interval < TimeSpan.Zero ? human + " ago" : human;
    }

    private static void Add(List<string> parts, int value, string unit)
    {
        if (value > 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{value} {unit}{(value == 1 ? "" : "s")}"));
    }
}
