namespace Barman.Core.Configuration;

/// <summary>Finds the configuration file: <c>-c</c>, then <c>BARMAN_CONFIG_FILE</c>, then the default locations.</summary>
internal static class ConfigLocator
{
    public static IReadOnlyList<string> DefaultLocations(string home) =>
    [
        Path.Combine(home, ".barman.toml"),
        Path.Combine(home, ".barman.conf"),
        "/etc/barman.toml",
        "/etc/barman.conf",
        "/etc/barman/barman.toml",
        "/etc/barman/barman.conf",
    ];

    /// <exception cref="ConfigurationException">the explicit file is missing or a directory, or no default file exists.</exception>
    public static string Locate(string? explicitPath, string? environmentPath, string home)
    {
        var chosen = !string.IsNullOrEmpty(explicitPath) ? explicitPath : environmentPath;
        if (!string.IsNullOrEmpty(chosen))
        {
            if (Directory.Exists(chosen))
                throw new ConfigurationException($"Configuration file '{chosen}' is a directory", prefix: "");
            if (!File.Exists(chosen))
                throw new ConfigurationException($"Configuration file '{chosen}' does not exist", prefix: "");
            return Path.GetFullPath(chosen);
        }
        foreach (var candidate in DefaultLocations(home))
        {
            if (File.Exists(candidate))
                return candidate;
        }
        throw new ConfigurationException(
            "Could not find any configuration file at default locations.\nCheck Barman's documentation for more help.", prefix: "");
    }
}
