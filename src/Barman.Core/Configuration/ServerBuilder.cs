using Barman.Core.Configuration.Parsing;

namespace Barman.Core.Configuration;

/// <summary>
/// Resolves one server section the way Barman's <c>ServerConfig.__init__</c> does: for each key, the
/// server section, then <c>[barman]</c> (keys of scope both), then the default; a value the parser
/// rejects is ignored with a warning; the empty string (<c>key =</c>, <c>key = none</c>) is None.
/// </summary>
internal sealed class ServerBuilder
{
    private readonly SectionReader _reader;
    private readonly GlobalConfig _global;
    private readonly string _name;
    private readonly RawSection _section;
    private readonly RawSection? _barman;
    private readonly Dictionary<string, object?> _resolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _warnings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);

    public ServerBuilder(SectionReader reader, GlobalConfig global, RawSection section)
    {
        _reader = reader;
        _global = global;
        _name = section.Name;
        _section = section;
        _barman = reader.Raw.Find(RawConfig.GlobalSection);
    }

    /// <summary>Resolved values by key (null = None), for checks that need the parsed form.</summary>
    public IReadOnlyDictionary<string, object?> Values => _resolved;

    /// <summary>Resolves every key; returns the typed server and the warnings in Barman's order.</summary>
    public (ServerConfig Server, List<string> Warnings, List<string> Messages) Build()
    {
        var warnings = new List<string>();
        foreach (var key in _reader.Raw.EffectiveKeys(_section))
        {
            if (!ConfigKeys.IsServerKey(key))
                warnings.Add($"Invalid configuration option \"{key}\" in [{_name}] section.");
        }
        foreach (var key in ConfigKeys.Server)
            Resolve(key);
        foreach (var key in ConfigKeys.Server)
        {
            if (_warnings.TryGetValue(key.Name, out var list))
                warnings.AddRange(list);
        }

        var messages = new List<string>();
        var server = new ServerConfig { Name = _name, Global = _global };
        var others = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in ConfigKeys.Server)
        {
            var value = _resolved[key.Name];
            if (key.Apply is null)
            {
                if (!key.Fixed)
                    others[key.Name] = value is null ? null : ConfigKeys.Show(value);
                continue;
            }
            if (value is null && key.Parser == ValueParsers.Path && key.Default is not null)
            {
                // Barman crashes on a None directory; we keep the default and disable the server.
                messages.Add($"Invalid configuration: '{key.Name}' must not be empty for server '{_name}'");
                value = Template(key.Default);
            }
            server = key.Apply(server, value);
        }
        server = server with { OtherSettings = others };
        return (server, warnings, messages);
    }

    private object? Resolve(ConfigKey key)
    {
        if (_resolved.TryGetValue(key.Name, out var done))
            return done;
        if (!_resolving.Add(key.Name))
        {
            throw new ConfigurationException(
                $"Recursion limit exceeded in value substitution: option '{key.Name}' in section '{_name}' refers to itself");
        }
        object? value = null;
        if (!key.Fixed)
        {
            value = Invoke(key, $"[{_name}] section", value, _reader.Get(_section, key.Name, BuiltIn));
            if (value is null && key.InheritsFromBarman)
                value = Invoke(key, "[barman] section", value, _reader.Get(_barman, key.Name, BuiltIn));
        }
        if (value is null && key.Default is not null)
            value = Invoke(key, "DEFAULTS", value, Template(key.Default));
        if (value is string s && (s.Length == 0 || s == "None"))
            value = null;
        _resolving.Remove(key.Name);
        _resolved[key.Name] = value;
        return value;
    }

    private object? Invoke(ConfigKey key, string source, object? previous, string? text)
    {
        if (text is null)
            return previous;
        if (key.Parser.Parse is null)
            return text;
        var parsed = key.Parser.Parse(text, new ParseContext(key.Name, source));
        if (parsed.Error is null)
            return parsed.Value;
        if (!_warnings.TryGetValue(key.Name, out var list))
            _warnings[key.Name] = list = [];
        list.Add($"Ignoring invalid configuration value '{text}' for key {key.Name} in {source}: {parsed.Error}");
        return previous;
    }

    /// <summary>Barman's <c>DEFAULTS[key] % self.__dict__</c>: already resolved values, None printed as <c>None</c>.</summary>
    private string Template(string template) =>
        Interpolator.Interpolate(template, "default", _name, reference =>
            BuiltIn(reference)?.Replace("%", "%%", StringComparison.Ordinal)
            ?? (ConfigKeys.Find(reference) is { AllowedInServer: true } k ? ConfigKeys.Show(Resolve(k)).Replace("%", "%%", StringComparison.Ordinal) : null));

    private string? BuiltIn(string reference) => reference switch
    {
        "name" => _name,
        "barman_home" => _global.BarmanHome,
        "barman_lock_directory" => _global.LockDirectory,
        "backup_directory" => Resolve(ConfigKeys.Find("backup_directory")!) as string,
        _ => null,
    };
}
