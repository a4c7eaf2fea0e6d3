using System.Globalization;
using System.Text;

namespace Barman.Core.Text;

/// <summary>
/// Serialises nested dictionaries, lists and strings exactly like Python's
/// <c>json.dumps(obj, sort_keys=True)</c> (separators <c>", "</c> and <c>": "</c>, ASCII escapes),
/// which Barman's JSON writer uses. Hand-written to stay AOT-clean.
/// </summary>
internal static class PythonJson
{
    public static string Dumps(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case int or long:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case IEnumerable<KeyValuePair<string, object?>> dict:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in dict.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                        sb.Append(", ");
                    first = false;
                    WriteString(sb, k);
                    sb.Append(": ");
                    Write(sb, v);
                }
                sb.Append('}');
                break;
            case System.Collections.IEnumerable list:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in list)
                {
                    if (!firstItem)
                        sb.Append(", ");
                    firstItem = false;
                    Write(sb, item);
                }
                sb.Append(']');
                break;
            default:
                WriteString(sb, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
