namespace Barman.Core.Configuration;

/// <summary>A loaded configuration: the global section, every server (sorted by name) and what loading found.</summary>
internal sealed record BarmanConfig
{
    public required GlobalConfig Global { get; init; }
    public required IReadOnlyList<ServerConfig> Servers { get; init; }
    /// <summary>Warnings printed on every command (invalid keys/values, forced archiver...).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>Global errors that abort every command (conflicting paths between servers).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
    /// <summary>Lines for the log only (skipped include files...), written once logging is set up.</summary>
    public IReadOnlyList<ConfigLogMessage> LogMessages { get; init; } = [];

    public ServerConfig? Find(string name) => Servers.FirstOrDefault(s => s.Name == name);
}
