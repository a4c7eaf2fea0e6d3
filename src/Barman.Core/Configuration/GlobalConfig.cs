namespace Barman.Core.Configuration;

/// <summary>The resolved <c>[barman]</c> section.</summary>
internal sealed record GlobalConfig
{
    /// <summary>The configuration file actually loaded (absolute); cron passes it to its children.</summary>
    public required string ConfigFile { get; init; }
    public required string BarmanHome { get; init; }
    /// <summary>Where lock files live; defaults to <see cref="BarmanHome"/>.</summary>
    public required string LockDirectory { get; init; }
    public string BarmanUser { get; init; } = "barman";
    public string? LogFile { get; init; }
    public string LogLevel { get; init; } = "INFO";
    public string? LogFormat { get; init; }
    public string? ConfigurationFilesDirectory { get; init; }
}
