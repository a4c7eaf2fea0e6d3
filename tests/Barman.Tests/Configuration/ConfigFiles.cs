using System.Text;
using Barman.Core.Configuration;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Configuration;

/// <summary>
/// Writes one configuration in INI or TOML from the same list of (section, key, value) entries, so
/// that every rule is tested in both formats. Values are INI text; in TOML they become strings.
/// </summary>
internal static class ConfigFiles
{
    public const string Ini = "ini";
    public const string Toml = "toml";

    public static string Extension(string format) => format == Toml ? ".toml" : ".conf";

    public static string Render(string format, IEnumerable<(string Section, string Key, string Value)> entries)
    {
        var sb = new StringBuilder();
        foreach (var group in entries.GroupBy(e => e.Section))
        {
            sb.Append(format == Toml ? $"[{TomlKey(group.Key)}]\n" : $"[{group.Key}]\n");
            foreach (var (_, key, value) in group)
                sb.Append(format == Toml ? $"{key} = {TomlString(value)}\n" : $"{key} = {value}\n");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes barman.conf/.toml (with barman_home and barman_user set) plus the entries; returns its path.</summary>
    public static string Write(TempDir dir, string format, params (string Section, string Key, string Value)[] entries)
    {
        var all = new List<(string, string, string)>
        {
            ("barman", "barman_home", dir.Combine("home")),
            ("barman", "barman_user", Environment.UserName),
        };
        all.AddRange(entries);
        return dir.Write("barman" + Extension(format), Render(format, all));
    }

    public static BarmanConfig Load(string format, params (string Section, string Key, string Value)[] entries)
    {
        using var dir = new TempDir("barman-config");
        return ConfigLoader.Load(Write(dir, format, entries));
    }

    public static ServerConfig Server(BarmanConfig config, string name) =>
        config.Find(name) ?? throw new InvalidOperationException($"no server {name}");

    private static string TomlKey(string name) => name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? name : TomlString(name);

    private static string TomlString(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append(@"\\"),
                '\n' => sb.Append(@"\n"),
                '\t' => sb.Append(@"\t"),
                _ => sb.Append(c),
            };
        }
        return sb.Append('"').ToString();
    }
}
