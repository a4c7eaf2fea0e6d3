using System.Text.RegularExpressions;
using Barman.Core.Configuration.Parsing;

namespace Barman.Core.Configuration;

/// <summary>
/// Barman's <c>Config.get</c> over the merged files: the raw value of a key (section, then
/// <c>[DEFAULT]</c>), interpolated, <c>none</c> turned into the empty string, one pair of
/// surrounding quotes stripped.
/// </summary>
internal sealed partial class SectionReader(RawConfig raw)
{
    [GeneratedRegex(@"^([""'])(.*)\1$", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();

    public RawConfig Raw => raw;

    /// <summary>The value of <paramref name="key"/> in <paramref name="section"/>; null when not set.</summary>
    /// <param name="builtIn">values of <c>%(name)s</c>, <c>%(barman_home)s</c>, <c>%(backup_directory)s</c> (already final), or null.</param>
    public string? Get(RawSection? section, string key, Func<string, string?> builtIn)
    {
        if (section is null || raw.Lookup(section, key) is not { } value)
            return null;
        var text = Interpolator.Interpolate(value.Value, key, section.Name, reference => Reference(section, reference, builtIn));
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
            return "";
        return Quoted().Replace(text, m => m.Groups[2].Value, 1);
    }

    // A reference resolves to the same section (or [DEFAULT]), then the built-ins, then [barman].
    private string? Reference(RawSection section, string key, Func<string, string?> builtIn)
    {
        if (raw.Lookup(section, key) is { } own)
            return own.Value;
        if (builtIn(key) is { } value)
            return value.Replace("%", "%%", StringComparison.Ordinal);
        var global = raw.Find(RawConfig.GlobalSection);
        return global is not null && global.TryGet(key, out var inherited) ? inherited.Value : null;
    }
}
