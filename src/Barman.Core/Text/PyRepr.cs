using System.Globalization;
using System.Text;

namespace Barman.Core.Text;

/// <summary>Python's <c>repr()</c>/<c>str()</c> of the few value kinds Barman prints in messages and show-servers.</summary>
internal static class PyRepr
{
    /// <summary><c>repr(str)</c>: single quotes unless the text holds a single quote and no double quote.</summary>
    public static string Str(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(value.Length + 2).Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (c == quote)
                        sb.Append('\\').Append(c);
                    else if (c < ' ' || c == '\x7f')
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }

    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary><c>str(datetime.timedelta)</c>: <c>7 days, 0:00:00</c>, <c>1 day, 2:00:00</c>, <c>3:00:00</c>.</summary>
    public static string TimeDelta(TimeSpan value)
    {
        var days = (long)Math.Floor(value.TotalDays);
        var rest = value - TimeSpan.FromDays(days);
        var clock = string.Create(CultureInfo.InvariantCulture, $"{(int)rest.TotalHours}:{rest.Minutes:00}:{rest.Seconds:00}");
        if (days == 0)
            return clock;
        return string.Create(CultureInfo.InvariantCulture, $"{days} day{(Math.Abs(days) == 1 ? "" : "s")}, {clock}");
    }

    /// <summary>A list of strings the way Python prints it: <c>['a', 'b']</c>.</summary>
    public static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Str)) + "]";
}
