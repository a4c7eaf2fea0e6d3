using Barman.Core.Configuration;
using Barman.Core.Listing;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Configuration;

/// <summary>samples/: every sample loads cleanly, and the INI and TOML samples describe the same servers.</summary>
public sealed class SampleConfigTests
{
    private static string Samples => Path.Combine(Repository.Root, "samples");

    /// <summary>Every show-servers line of every server (what "identical configuration" means to an operator).</summary>
    internal static List<string> Describe(BarmanConfig config) =>
        [.. config.Servers.SelectMany(s => ServerShow.Values(s).Select(kv => $"{s.Name}.{kv.Key}={kv.Value}")),
         .. config.Warnings.Select(w => "WARNING " + w), .. config.Errors.Select(e => "ERROR " + e)];

    /// <summary>Copies one format's sample (main file + its barman.d files) alone into a temporary directory.</summary>
    private static string CopyFormat(TempDir dir, string extension)
    {
        var main = dir.Combine("barman" + extension);
        File.Copy(Path.Combine(Samples, "barman" + extension), main);
        Directory.CreateDirectory(dir.Combine("barman.d"));
        foreach (var file in Directory.GetFiles(Path.Combine(Samples, "barman.d"), "*" + extension))
            File.Copy(file, dir.Combine("barman.d", Path.GetFileName(file)));
        return main;
    }

    [Theory]
    [InlineData("barman.conf")]
    [InlineData("barman.toml")]
    public void Sample_loads_without_warnings_or_errors(string name)
    {
        var config = ConfigLoader.Load(Path.Combine(Samples, name));
        Assert.Empty(config.Warnings);
        Assert.Empty(config.Errors);
        Assert.Equal(["pg", "pg-archive"], config.Servers.Select(s => s.Name));
        Assert.All(config.Servers, s => Assert.Empty(s.Messages));
        var pg = config.Find("pg")!;
        Assert.True(pg.StreamingArchiver);
        Assert.False(pg.Archiver);
        Assert.Equal("barman", pg.SlotName);
        Assert.Equal(CreateSlotMode.Auto, pg.CreateSlot);
        Assert.Equal(10L << 30, pg.MaxSlotLag);
        Assert.Equal("gzip", pg.Compression);
        Assert.Null(config.Find("pg-archive")!.Compression);
    }

    [Fact]
    public void Ini_and_toml_samples_resolve_to_the_same_servers()
    {
        using var ini = new TempDir();
        using var toml = new TempDir();
        var fromIni = ConfigLoader.Load(CopyFormat(ini, ".conf"));
        var fromToml = ConfigLoader.Load(CopyFormat(toml, ".toml"));
        Assert.Equal(2, fromIni.Servers.Count);
        Assert.Equal(Describe(fromIni), Describe(fromToml));
        Assert.Equal(fromIni.Global with { ConfigFile = "" }, fromToml.Global with { ConfigFile = "" });
    }

    [Fact]
    public void Every_rule_resolves_identically_in_both_formats()
    {
        (string, string, string)[] entries =
        [
            ("DEFAULT", "site", "/srv/site"),
            ("barman", "compression", "zstd"), ("barman", "streaming_archiver", "on"), ("barman", "path_prefix", "%(site)s/%(name)s/bin"),
            ("barman", "check_timeout", "bogus"), ("barman", "unknown_global", "1"),
            ("pg", "conninfo", "host=pg password=secret"), ("pg", "backup_method", "postgres"), ("pg", "slot_name", "Barman"),
            ("pg", "description", "'quoted'"), ("pg", "compression", "none"), ("pg", "create_slot", "maybe"),
            ("pg", "max_slot_lag", "512MB"), ("pg", "last_wal_maximum_age", "2 weeks"), ("pg", "retention_policy", "REDUNDANCY 2"),
            ("pg", "wals_directory", "%(backup_directory)s/w"), ("pg", "streaming_archiver", ""),
            ("other", "primary_ssh_command", "ssh barman@primary"), ("other", "active", "off"),
            ("third", "conninfo", "host=3"), ("third", "archiver", "no"), ("third", "streaming_archiver", "no"), ("third", "ssh_command", "ssh 3"),
        ];
        using var iniDir = new TempDir();
        using var tomlDir = new TempDir();
        var fromIni = ConfigLoader.Load(ConfigFiles.Write(iniDir, ConfigFiles.Ini, entries));
        var fromToml = ConfigLoader.Load(ConfigFiles.Write(tomlDir, ConfigFiles.Toml, entries));
        var described = Describe(fromIni).Select(l => l.Replace(iniDir.Path, "<dir>", StringComparison.Ordinal)).ToList();
        Assert.Equal(described, Describe(fromToml).Select(l => l.Replace(tomlDir.Path, "<dir>", StringComparison.Ordinal)));
        Assert.Contains("pg.path_prefix=/srv/site/pg/bin", described);
        Assert.Contains("pg.slot_name=barman", described);
        Assert.Contains("WARNING Forcing 'archiver = on'", described);
    }
}
