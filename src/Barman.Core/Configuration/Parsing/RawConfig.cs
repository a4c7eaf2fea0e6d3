namespace Barman.Core.Configuration.Parsing;

/// <summary>One <c>key = value</c> as read from a file, before interpolation.</summary>
internal sealed record RawValue(string Value, string File, int Line);

/// <summary>One section of the merged configuration (keys lower-cased, insertion ordered).</summary>
internal sealed class RawSection(string name)
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, RawValue> _values = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public IEnumerable<string> Keys => _order;

    public bool TryGet(string key, out RawValue value) => _values.TryGetValue(key, out value!);

    /// <summary>Sets a key; a later file overriding an earlier one keeps the key's first position (ConfigParser).</summary>
    public void Set(string key, RawValue value)
    {
        if (!_values.ContainsKey(key))
            _order.Add(key);
        _values[key] = value;
    }
}

/// <summary>
/// What ConfigParser holds after reading one or more files: the <c>[DEFAULT]</c> section and the
/// other sections in order of first appearance. Later files override keys of earlier ones.
/// </summary>
internal sealed class RawConfig
{
    public const string DefaultSection = "DEFAULT";
    public const string GlobalSection = "barman";

    private readonly List<RawSection> _sections = [];

    public RawSection Defaults { get; } = new(DefaultSection);

    /// <summary>Every section but <c>[DEFAULT]</c>, in order of first appearance.</summary>
    public IReadOnlyList<RawSection> Sections => _sections;

    public RawSection? Find(string name) => _sections.FirstOrDefault(s => s.Name == name);

    public RawSection GetOrAdd(string name)
    {
        if (name == DefaultSection)
            return Defaults;
        var section = Find(name);
        if (section is null)
        {
            section = new RawSection(name);
            _sections.Add(section);
        }
        return section;
    }

    /// <summary>The keys a section exposes: its own, then the <c>[DEFAULT]</c> ones it does not set (ConfigParser.items order).</summary>
    public IEnumerable<string> EffectiveKeys(RawSection section)
    {
        foreach (var key in section.Keys)
            yield return key;
        foreach (var key in Defaults.Keys)
        {
            if (!section.TryGet(key, out _))
                yield return key;
        }
    }

    /// <summary>A key of a section, falling back to <c>[DEFAULT]</c>; null when neither sets it.</summary>
    public RawValue? Lookup(RawSection section, string key) =>
        section.TryGet(key, out var value) ? value
        : Defaults.TryGet(key, out var fallback) ? fallback
        : null;

    /// <summary>Raw key/value pairs of <c>[barman]</c> as ConfigParser.items shows them (DEFAULT included); used to detect changes.</summary>
    public IReadOnlyDictionary<string, string> GlobalSnapshot()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var global = Find(GlobalSection);
        if (global is null)
            return result;
        foreach (var key in EffectiveKeys(global))
            result[key] = Lookup(global, key)!.Value;
        return result;
    }

    /// <summary>Reads a document into this configuration, the way ConfigParser.read adds a file.</summary>
    public void Merge(RawDocument document)
    {
        foreach (var (sectionName, key, value) in document.Entries)
        {
            var section = GetOrAdd(sectionName);
            if (key is not null && value is not null)
                section.Set(key, value);
        }
    }
}

/// <summary>One parsed file: section headers and key/value entries in file order.</summary>
internal sealed class RawDocument(string file)
{
    private readonly List<(string Section, string? Key, RawValue? Value)> _entries = [];

    public string File { get; } = file;

    /// <summary>(section, null, null) records a header so that empty sections exist too.</summary>
    public IReadOnlyList<(string Section, string? Key, RawValue? Value)> Entries => _entries;

    public void AddSection(string section) => _entries.Add((section, null, null));

    public void Add(string section, string key, RawValue value) => _entries.Add((section, key, value));
}
