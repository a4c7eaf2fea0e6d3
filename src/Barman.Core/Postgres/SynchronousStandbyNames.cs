namespace Barman.Core.Postgres;

/// <summary>Barman's reading of <c>synchronous_standby_names</c> (spec §6.4 <c>_is_synchronous</c>).</summary>
internal static class SynchronousStandbyNames
{
    /// <summary>
    /// The names listed: the text between the first <c>(</c> and the last <c>)</c> (or the whole
    /// setting), split on commas, each stripped of blanks and double quotes.
    /// </summary>
    public static IReadOnlyList<string> Parse(string? setting)
    {
        var text = setting ?? "";
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open >= 0 && close > open)
            text = text[(open + 1)..close];
        return [.. text.Split(',').Select(n => n.Trim().Trim('"').Trim())];
    }

    /// <summary>True when <paramref name="applicationName"/> (exact, case-sensitive) or <c>*</c> is listed.</summary>
    public static bool Includes(string? setting, string applicationName)
    {
        var names = Parse(setting);
        return names.Contains("*") || names.Contains(applicationName);
    }
}
