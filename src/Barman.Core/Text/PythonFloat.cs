using System.Globalization;
using System.Text;

namespace Barman.Core.Text;

/// <summary>
/// Python 3's <c>repr(float)</c> / <c>str(float)</c>: the shortest digit string that round-trips,
/// positional for decimal exponents in [-4, 16), otherwise <c>d.ddde±XX</c>; integral values keep
/// <c>.0</c> (<c>1700000000.0</c>). xlog.db stores mtimes this way.
/// </summary>
internal static class PythonFloat
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
            return "nan";
        if (double.IsInfinity(value))
            return value > 0 ? "inf" : "-inf";
        if (value == 0)
            return double.IsNegative(value) ? "-0.0" : "0.0";

        // .NET Core 3.0+ "R" is the shortest round-trip string; take its digits and exponent.
        var (negative, digits, exponent) = Decompose(value);
        // exponent: value = 0.d1d2d3... × 10^exponent  → Python's decpt
        var sb = new StringBuilder(32);
        if (negative)
            sb.Append('-');
        var decpt = exponent;
        if (decpt is > -4 and <= 16)
        {
            if (decpt <= 0)
            {
                sb.Append("0.");
                sb.Append('0', -decpt);
                sb.Append(digits);
            }
            else if (decpt >= digits.Length)
            {
                sb.Append(digits);
                sb.Append('0', decpt - digits.Length);
                sb.Append(".0");
            }
            else
            {
                sb.Append(digits, 0, decpt);
                sb.Append('.');
                sb.Append(digits, decpt, digits.Length - decpt);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.');
                sb.Append(digits, 1, digits.Length - 1);
            }
            var e = decpt - 1;
            sb.Append('e');
            sb.Append(e < 0 ? '-' : '+');
            sb.Append(Math.Abs(e).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Sign, significant digits (no leading/trailing zeros) and decimal-point position of the shortest repr.</summary>
    private static (bool Negative, string Digits, int DecimalPoint) Decompose(double value)
    {
        // "R" gives the shortest round-trip digits, in either notation.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest[0] == '-';
        if (negative)
            shortest = shortest[1..];
        int exp = 0;
        var ePos = shortest.IndexOfAny(['E', 'e']);
        var mantissa = shortest;
        if (ePos >= 0)
        {
            exp = int.Parse(shortest.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = shortest[..ePos];
        }
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        var all = intPart + fracPart;
        var decpt = intPart.Length + exp;
        var lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0')
            lead++;
        all = all[lead..];
        decpt -= lead;
        all = all.TrimEnd('0');
        if (all.Length == 0)
            all = "0";
        return (negative, all, decpt);
    }
}
