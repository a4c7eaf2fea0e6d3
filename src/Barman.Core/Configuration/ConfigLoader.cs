using Barman.Core.Configuration.Parsing;
using Serilog.Events;

namespace Barman.Core.Configuration;

/// <summary>
/// Loads barman.conf (INI) or barman.toml (by extension) into a <see cref="BarmanConfig"/>, with
/// Barman 3.4's rules: included files, <c>[barman]</c> validation, per-server resolution and
/// warnings, configuration errors that disable a server, conflicting paths.
/// </summary>
internal static class ConfigLoader
{
    /// <exception cref="ConfigurationException">the file cannot be read or is invalid.</exception>
    public static BarmanConfig Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var raw = new RawConfig();
        var log = new List<ConfigLogMessage>();
        raw.Merge(ReadFile(fullPath));
        var reader = new SectionReader(raw);
        IncludeDirectory(raw, reader, Path.GetDirectoryName(fullPath)!, log);

        var warnings = new List<string>();
        var global = ReadGlobal(raw, reader, fullPath, warnings);

        var builds = new List<(ServerConfig Server, List<string> Messages, ServerBuilder Builder)>();
        foreach (var section in raw.Sections)
        {
            if (section.Name == RawConfig.GlobalSection)
                continue;
            CheckServerName(section.Name);
            var builder = new ServerBuilder(reader, global, section);
            var (server, serverWarnings, messages) = builder.Build();
            warnings.AddRange(serverWarnings);
            builds.Add((server, messages, builder));
        }

        var errors = new List<string>();
        var conflicts = PathConflicts.Find(builds.Select(b => b.Server), errors);

        var servers = new List<ServerConfig>();
        foreach (var (server, messages, builder) in builds)
        {
            var all = new List<string>(messages);
            all.AddRange(conflicts.GetValueOrDefault(server.Name, []));
            var checkedServer = ServerValidation.Apply(server, builder.Values, all, warnings);
            servers.Add(checkedServer with { Messages = all });
        }

        return new BarmanConfig
        {
            Global = global,
            Servers = [.. servers.OrderBy(s => s.Name, StringComparer.Ordinal)],
            Warnings = warnings,
            Errors = errors,
            LogMessages = log,
        };
    }

    /// <summary>Parses one file, INI or TOML by its extension.</summary>
    /// <exception cref="ConfigurationException">unreadable or malformed.</exception>
    public static RawDocument ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigurationException($"Cannot read configuration file '{path}': Permission denied");
        }
        catch (IOException e)
        {
            throw new ConfigurationException($"Cannot read configuration file '{path}': {e.Message}");
        }
        return path.EndsWith(".toml", StringComparison.OrdinalIgnoreCase)
            ? TomlReader.Parse(text, path)
            : IniReader.Parse(text, path);
    }

    private static string? GlobalValue(SectionReader reader, string key) =>
        reader.Get(reader.Raw.Find(RawConfig.GlobalSection), key, _ => null);

    // Barman's load_configuration_files_directory: *.conf (and our *.toml) regular files, sorted.
    private static void IncludeDirectory(RawConfig raw, SectionReader reader, string mainDirectory, List<ConfigLogMessage> log)
    {
        var directory = GlobalValue(reader, "configuration_files_directory");
        if (string.IsNullOrEmpty(directory))
            return;
        // Ours: a relative directory is relative to the main file (Barman: to the current directory).
        var expanded = Path.Combine(mainDirectory, ExpandUser(directory));
        if (!Directory.Exists(expanded))
        {
            log.Add(new(LogEventLevel.Warning, $"Ignoring the \"configuration_files_directory\" option as \"{directory}\" is not a directory"));
            return;
        }
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(expanded)
                .Where(p => Path.GetFileName(p) is { } n && !n.StartsWith('.')
                    && (n.EndsWith(".conf", StringComparison.Ordinal) || n.EndsWith(".toml", StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"Cannot read configuration_files_directory '{directory}': {e.Message}");
        }
        var before = raw.GlobalSnapshot();
        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            if (!IsRegularFile(entry))
            {
                log.Add(new(LogEventLevel.Warning, $"Discarding configuration file: {name} (not a file)"));
                continue;
            }
            log.Add(new(LogEventLevel.Debug, $"Including configuration file: {name}"));
            raw.Merge(ReadFile(entry));
            var after = raw.GlobalSnapshot();
            if (after.Count != before.Count || after.Any(kv => !before.TryGetValue(kv.Key, out var v) || v != kv.Value))
                throw new ConfigurationException($"the configuration file {name} contains a not empty [barman] section", prefix: "FATAL: ");
        }
    }

    private static bool IsRegularFile(string path)
    {
        // Like os.path.isfile: follows symlinks.
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
            return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true };
        return info.Exists;
    }

    private static string ExpandUser(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            var home = Environment.GetEnvironmentVariable("HOME") ?? "/";
            return home.TrimEnd('/') + path[1..];
        }
        return path;
    }

    private static GlobalConfig ReadGlobal(RawConfig raw, SectionReader reader, string configFile, List<string> warnings)
    {
        var section = raw.Find(RawConfig.GlobalSection);
        var home = section is null ? null : GlobalValue(reader, "barman_home");
        if (string.IsNullOrEmpty(home))
        {
            throw new ConfigurationException(
                "Parameter \"barman_home\" is required in [barman] section.\nYour configuration is missing required parameters. Exiting.");
        }
        foreach (var key in raw.EffectiveKeys(section!))
        {
            if (!ConfigKeys.IsGlobalSectionKey(key))
                warnings.Add($"Invalid configuration option \"{key}\" in [barman] section.");
        }
        return GlobalBuilder.Build(configFile, key => GlobalValue(reader, key));
    }

    /// <summary>Barman forbids <c>all</c>; we also refuse names that would escape barman_home or break lock file names.</summary>
    private static void CheckServerName(string name)
    {
        if (name == "all")
            throw new ConfigurationException("the reserved word 'all' is not allowed as server name.Please rename it.", prefix: "FATAL: ");
        if (name.Length == 0 || name.StartsWith('.') || name.Contains('/', StringComparison.Ordinal)
            || name.Contains("..", StringComparison.Ordinal) || name.Any(char.IsWhiteSpace))
        {
            throw new ConfigurationException(
                $"Invalid server name '{name}': a server name may not be empty, start with '.', or contain '/', '..' or whitespace");
        }
    }
}
