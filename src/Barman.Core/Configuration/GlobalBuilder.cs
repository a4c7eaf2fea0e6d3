using System.Text.RegularExpressions;

namespace Barman.Core.Configuration;

/// <summary>
/// Barman's <c>_parse_global_config</c> over <see cref="ConfigKeys.Global"/>: each key takes its
/// <c>[barman]</c> value or, when that is missing, empty or none ("value or default"), its default.
/// A default written <c>%(key)s</c> is the value of that earlier global key (the lock directory is
/// barman_home); any other default is literal.
/// </summary>
internal static partial class GlobalBuilder
{
    [GeneratedRegex(@"^%\((?<key>[a-z_]+)\)s$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyReference();

    /// <param name="configFile">the configuration file loaded.</param>
    /// <param name="value">the <c>[barman]</c> value of a key (interpolated, none as empty), or null.</param>
    public static GlobalConfig Build(string configFile, Func<string, string?> value)
    {
        var resolved = new Dictionary<string, string?>(StringComparer.Ordinal);
        var global = new GlobalConfig { ConfigFile = configFile };
        foreach (var key in ConfigKeys.Global)
        {
            var text = value(key.Name) is { Length: > 0 } given ? given : Default(key, resolved);
            resolved[key.Name] = text;
            global = key.ApplyGlobal!(global, text);
        }
        return global;
    }

    private static string? Default(ConfigKey key, Dictionary<string, string?> resolved) =>
        key.Default is { } text && KeyReference().Match(text) is { Success: true } reference
            ? resolved[reference.Groups["key"].Value]
            : key.Default;
}
