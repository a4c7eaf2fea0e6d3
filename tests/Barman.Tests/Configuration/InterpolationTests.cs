using Barman.Core.Configuration;
using Barman.Tests.Infrastructure;
using static Barman.Tests.Configuration.ConfigFiles;

namespace Barman.Tests.Configuration;

/// <summary><c>%(key)s</c> interpolation (spec §2.3): what Barman supports, plus the built-ins it crashes on.</summary>
public sealed class InterpolationTests
{
    private static readonly (string, string, string)[] Base =
        [("pg", "conninfo", "host=x"), ("pg", "backup_method", "postgres"), ("pg", "archiver", "on")];

    private static BarmanConfig LoadWith(string format, params (string, string, string)[] entries) => Load(format, [.. Base, .. entries]);

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Same_section_key_is_interpolated_and_still_warned_about(string format)
    {
        var config = LoadWith(format, ("pg", "custom_dir", "/srv/demo/x"), ("pg", "errors_directory", "%(custom_dir)s/err"));
        Assert.Equal("/srv/demo/x/err", Server(config, "pg").ErrorsDirectory);
        Assert.Equal(["Invalid configuration option \"custom_dir\" in [pg] section."], config.Warnings);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Built_ins_name_barman_home_and_backup_directory_work_in_server_sections(string format)
    {
        var config = LoadWith(format,
            ("pg", "streaming_wals_directory", "%(barman_home)s/stream-%(name)s"),
            ("pg", "backup_directory", "/data/%(name)s"),
            ("pg", "wals_directory", "%(backup_directory)s/archive"),
            ("pg", "description", "server %(name)s"));
        var pg = Server(config, "pg");
        Assert.Equal(config.Global.BarmanHome + "/stream-pg", pg.StreamingWalsDirectory);
        Assert.Equal("/data/pg/archive", pg.WalsDirectory);
        Assert.Equal("/data/pg/errors", pg.ErrorsDirectory);
        Assert.Equal("server pg", pg.Description);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Barman_section_keys_are_visible_and_inherited_templates_see_the_server_name(string format)
    {
        var config = LoadWith(format,
            ("barman", "path_prefix", "/opt/%(name)s/bin"),
            ("barman", "pg_root", "/srv/pg"),
            ("pg", "xlogdb_directory", "%(pg_root)s/xlogdb"));
        var pg = Server(config, "pg");
        Assert.Equal("/opt/pg/bin", pg.PathPrefix);
        Assert.Equal("/srv/pg/xlogdb", pg.XlogdbDirectory);
        Assert.Equal("/srv/pg/xlogdb/pg-xlog.db", pg.XlogdbFile);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Double_percent_is_a_literal_percent(string format)
    {
        var pg = Server(LoadWith(format, ("pg", "description", "100%% streaming")), "pg");
        Assert.Equal("100% streaming", pg.Description);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Global_keys_can_refer_to_barman_home(string format)
    {
        var config = LoadWith(format, ("barman", "log_file", "%(barman_home)s/barman.log"));
        Assert.Equal(config.Global.BarmanHome + "/barman.log", config.Global.LogFile);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Missing_interpolation_key_is_a_one_line_error(string format)
    {
        using var dir = new TempDir();
        var path = ConfigFiles.Write(dir, format, [.. Base, ("pg", "streaming_wals_directory", "%(nowhere)s/stream")]);
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.Equal(
            "Bad value substitution: option 'streaming_wals_directory' in section 'pg' contains an interpolation key 'nowhere' which is not a valid option name. Raw value: '%(nowhere)s/stream'",
            e.Message);
    }

    [Fact]
    public void Name_is_not_available_to_global_keys()
    {
        using var dir = new TempDir();
        var path = ConfigFiles.Write(dir, Ini, ("barman", "log_file", "/var/log/%(name)s.log"));
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.Contains("interpolation key 'name'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%(a)s", "a", "%(b)s", "Recursion limit exceeded in value substitution")]
    [InlineData("%(description)s", null, null, "Recursion limit exceeded in value substitution")]
    [InlineData("50% off", null, null, "'%' must be followed by '%' or '('")]
    [InlineData("%(open", null, null, "Bad interpolation variable reference")]
    public void Broken_references_are_errors(string value, string? otherKey, string? otherValue, string message)
    {
        using var dir = new TempDir();
        (string, string, string)[] extra = otherKey is null ? [] : [("pg", "b", "%(a)s"), ("pg", otherKey, otherValue!)];
        var path = ConfigFiles.Write(dir, Ini, [.. Base, .. extra, ("pg", "description", value)]);
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Unknown_keys_are_not_interpolated()
    {
        var config = LoadWith(Ini, ("pg", "notes", "%(undefined)s"));
        Assert.Equal(["Invalid configuration option \"notes\" in [pg] section."], config.Warnings);
    }
}
