namespace Barman.Core;

/// <summary>Global options given before the verb (Barman §1.1).</summary>
internal sealed record GlobalOptions
{
    public string? ConfigFile { get; init; }
    public string Color { get; init; } = "auto";
    public string? LogLevel { get; init; }
    public bool Quiet { get; init; }
    public bool Debug { get; init; }
    public string Format { get; init; } = "console";
    /// <summary>The <c>&lt;verb&gt; --nagios</c> writer replaces the format's.</summary>
    public bool Nagios { get; init; }
}
