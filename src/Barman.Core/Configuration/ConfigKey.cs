namespace Barman.Core.Configuration;

/// <summary>Where a key may be written.</summary>
internal enum ConfigScope
{
    /// <summary>Only in <c>[barman]</c>.</summary>
    Global,
    /// <summary>Only in a server section (accepted silently in <c>[barman]</c>, but not inherited).</summary>
    Server,
    /// <summary>In a server section, or in <c>[barman]</c> as the default of every server.</summary>
    Both,
}

/// <summary>
/// One configuration key: how it is parsed, inherited, defaulted, documented and mapped onto the
/// typed records. <see cref="ConfigKeys.All"/> lists them in Barman's resolution order.
/// </summary>
internal sealed record ConfigKey
{
    public required string Name { get; init; }
    public required ConfigScope Scope { get; init; }
    public required ValueParser Parser { get; init; }
    /// <summary>Barman's default text, possibly a template (<c>%(barman_home)s/%(name)s</c>); null: none.</summary>
    public string? Default { get; init; }
    public required string Doc { get; init; }
    /// <summary>False: accepted for compatibility (no warning), without effect.</summary>
    public bool Used { get; init; } = true;
    /// <summary>Set internally, never from the file (Barman's <c>FIXED</c>: <c>disabled</c>).</summary>
    public bool Fixed { get; init; }
    /// <summary>"3.4" (Barman 3.4.0), "3.13" (later Barman) or "ours".</summary>
    public string Origin { get; init; } = "3.4";

    /// <summary>
    /// Stores the resolved value (null = None) into its typed server property; null for keys without
    /// one. Built from a typed setter by <see cref="ConfigKeys"/>, which converts the value once.
    /// </summary>
    public Func<ServerConfig, object?, ServerConfig>? Apply { get; init; }
    /// <summary>The value as show-servers prints it (Python's <c>str()</c>).</summary>
    public Func<ServerConfig, string>? Show { get; init; }
    /// <summary>Stores the resolved value into its typed global property (global keys only).</summary>
    public Func<GlobalConfig, object?, GlobalConfig>? ApplyGlobal { get; init; }

    public bool InheritsFromBarman => Scope == ConfigScope.Both;
    public bool AllowedInServer => Scope != ConfigScope.Global;
}
