namespace Barman.Core.Configuration;

/// <summary>
/// The resolved <c>[barman]</c> section. Every property but <see cref="ConfigFile"/> is set from its
/// key of <see cref="ConfigKeys.Global"/> by <see cref="GlobalBuilder"/>, where the defaults live.
/// </summary>
internal sealed record GlobalConfig
{
    /// <summary>The configuration file actually loaded (absolute); cron passes it to its children.</summary>
    public required string ConfigFile { get; init; }
    public string BarmanHome { get; init; } = "";
    /// <summary>Where lock files live (<c>barman_lock_directory</c>, by default <see cref="BarmanHome"/>).</summary>
    public string LockDirectory { get; init; } = "";
    public string BarmanUser { get; init; } = "";
    public string? LogFile { get; init; }
    public string LogLevel { get; init; } = "";
    public string LogFormat { get; init; } = "";
    public string? ConfigurationFilesDirectory { get; init; }
    /// <summary>Ours: where cron writes the Prometheus metrics (<c>metrics_file</c>); null: nowhere.</summary>
    public string? MetricsFile { get; init; }
}
