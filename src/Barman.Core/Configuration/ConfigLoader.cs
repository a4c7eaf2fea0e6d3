namespace Barman.Core.Configuration;

/// <summary>Loads barman.conf (INI) or barman.toml into a <see cref="BarmanConfig"/>.</summary>
public static class ConfigLoader
{
    /// <exception cref="ConfigurationException">the file cannot be read or is invalid.</exception>
    public static BarmanConfig Load(string path) =>
        throw new NotSupportedException("the configuration loader lands with the configuration work");
}
