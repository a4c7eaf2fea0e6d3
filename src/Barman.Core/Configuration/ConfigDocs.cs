using System.Text;

namespace Barman.Core.Configuration;

/// <summary>Renders docs/configuration.md from <see cref="ConfigKeys"/> (a test keeps the committed file in sync).</summary>
internal static class ConfigDocs
{
    public static string Render()
    {
        var sb = new StringBuilder();
        sb.Append("""
            # Configuration

            <!-- Generated from src/Barman.Core/Configuration/ConfigKeys.cs by ConfigDocs.Render().
                 Do not edit: run `BARMAN_UPDATE_DOCS=1 dotnet test --filter FullyQualifiedName~ConfigDocsTests` to regenerate. -->

            barman reads Barman's configuration: `-c FILE`, else `$BARMAN_CONFIG_FILE`, else the first of
            `~/.barman.toml`, `~/.barman.conf`, `/etc/barman.toml`, `/etc/barman.conf`,
            `/etc/barman/barman.toml`, `/etc/barman/barman.conf`. A file ending in `.toml` is TOML, any other is INI.

            ## Files and sections

            * `[barman]` holds the global settings (`barman_home` is required); every other section
              (TOML: top-level table) is a server. `[DEFAULT]` is ConfigParser's: its keys apply to every section.
            * A server may not be called `all`; a name may not be empty, start with `.`, or contain `/`, `..` or whitespace.
            * `configuration_files_directory`: its `*.conf` (INI) and `*.toml` files are read after the main file,
              in sorted order; a later file overrides keys of an earlier one; they may not change `[barman]`.
            * INI: `key = value` or `key: value`, whole-line `#`/`;` comments, indented continuation lines,
              case-insensitive keys. TOML: tables `[name]` with string, integer or boolean values (no nested
              tables, arrays or dotted keys). Both formats go through the same rules below and resolve identically.

            ## Values

            * A server key is taken from the server section, then (keys of scope *both*) from `[barman]`,
              then from the default.
            * `key =` or `key = none` (any case) means None. For a key without a parser (paths, conninfo,
              scripts...) this stops the inheritance from `[barman]` and the default. For a parsed key
              (booleans, integers, `slot_name`, `create_slot`...) the empty value is invalid: warning, then inheritance.
            * An invalid value is ignored with `WARNING: Ignoring invalid configuration value '<v>' for key <k> in [<section>] section: <reason>`
              and the inherited/default value is used. An unknown key gives `WARNING: Invalid configuration option "<k>" in [<section>] section.`
            * Booleans: `true`, `t`, `yes`, `1`, `on` / `false`, `f`, `no`, `0`, `off` (any case; TOML `true`/`false`).
            * One pair of surrounding quotes is removed: `description = "PG 15"` is `PG 15`.
            * `%(key)s` is replaced by another key of the same section, of `[DEFAULT]`, by the built-ins
              `name`, `barman_home` and `backup_directory` of the server, or by a key of `[barman]`; `%%` is a `%`.
              A missing key is an error.

            """);
        sb.Append("\n## Global keys (`[barman]` only)\n\n");
        Table(sb, ConfigKeys.Global);
        sb.Append("\n## Server keys\n\n");
        sb.Append("Scope *server*: only in a server section. Scope *both*: in a server section, or in `[barman]` as the default of every server.\n\n");
        Table(sb, ConfigKeys.Server.Where(k => k.Used));
        sb.Append("\n## Keys accepted for compatibility\n\n");
        sb.Append("Barman 3.4 knows these keys; barman accepts them (no warning) and shows them in `show-servers`, but they have no effect.\n\n");
        Table(sb, ConfigKeys.Server.Where(k => !k.Used));
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, IEnumerable<ConfigKey> keys)
    {
        sb.Append("| key | scope | type | default | description | since |\n");
        sb.Append("|---|---|---|---|---|---|\n");
        foreach (var key in keys.OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            var scope = key.Scope switch
            {
                ConfigScope.Global => "global",
                ConfigScope.Server => "server",
                _ => "both",
            };
            var def = key.Default is null ? "none" : key.Default.Length == 0 ? "(empty)" : $"`{key.Default}`";
            var since = key.Origin switch
            {
                "ours" => "barman (ours)",
                var v => "Barman " + v,
            };
            sb.Append($"| `{key.Name}` | {scope} | {Escape(key.Parser.TypeName)} | {Escape(def)} | {Escape(key.Doc)} | {since} |\n");
        }
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
