using Barman.Core.Configuration;
using Barman.Core.Listing;
using Barman.Tests.Infrastructure;
using static Barman.Tests.Configuration.ConfigFiles;

namespace Barman.Tests.Configuration;

/// <summary>Values, defaults, inheritance, parsers and their warnings (spec §2.2, §2.4), in INI and TOML.</summary>
public sealed class ConfigResolutionTests
{
    private static readonly (string, string, string) Conninfo = ("pg", "conninfo", "host=127.0.0.1");
    private static readonly (string, string, string) Postgres = ("pg", "backup_method", "postgres");

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Defaults_follow_Barman_templates(string format)
    {
        var config = Load(format, Conninfo, Postgres, ("pg", "streaming_archiver", "on"), ("pg", "slot_name", "barman"));
        var home = config.Global.BarmanHome;
        var pg = Server(config, "pg");
        Assert.Equal(home, config.Global.LockDirectory);
        Assert.Equal($"{home}/pg", pg.BackupDirectory);
        Assert.Equal($"{home}/pg/base", pg.BasebackupsDirectory);
        Assert.Equal($"{home}/pg/wals", pg.WalsDirectory);
        Assert.Equal($"{home}/pg/incoming", pg.IncomingWalsDirectory);
        Assert.Equal($"{home}/pg/streaming", pg.StreamingWalsDirectory);
        Assert.Equal($"{home}/pg/errors", pg.ErrorsDirectory);
        Assert.Equal("host=127.0.0.1", pg.StreamingConninfo);
        Assert.True(pg.Active);
        Assert.False(pg.Archiver);
        Assert.Equal(CreateSlotMode.Manual, pg.CreateSlot);
        Assert.Equal("barman_receive_wal", pg.StreamingArchiverName);
        Assert.Equal(0, pg.ArchiverBatchSize);
        Assert.Equal(0, pg.StreamingArchiverBatchSize);
        Assert.Equal(30, pg.CheckTimeout);
        Assert.Equal(60, pg.KeepaliveInterval);
        Assert.True(pg.StreamingArchiverRestart);
        Assert.Null(pg.Compression);
        Assert.Null(pg.MaxSlotLag);
        Assert.Null(pg.XlogdbDirectory);
        Assert.Equal($"{home}/pg/wals/xlog.db", pg.XlogdbFile);
        Assert.Equal("postgres", pg.BackupMethod);
        Assert.Empty(pg.Messages);
        Assert.Empty(config.Warnings);
        Assert.Equal("barman", ServerShow.Values(pg).Single(kv => kv.Key == "slot_name").Value);
    }

    [Fact]
    public void The_test_builders_give_what_a_file_with_only_barman_home_gives()
    {
        using var dir = new TempDir("barman-config");
        var config = ConfigLoader.Load(ConfigFiles.Write(dir, Ini, ("pg", "description", "x")));
        var global = TestConfig.Global(dir.Combine("home")) with { ConfigFile = config.Global.ConfigFile };
        Assert.Equal(config.Global, global);
        var loaded = Server(config, "pg");
        var built = TestConfig.Server("pg", global) with { Description = "x", Archiver = loaded.Archiver, Messages = loaded.Messages };
        Assert.Equal(ServerShow.Values(loaded), ServerShow.Values(built));
        Assert.Equal(loaded with { OtherSettings = built.OtherSettings }, built);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Keys_of_scope_both_inherit_from_barman_and_server_keys_do_not(string format)
    {
        var config = Load(format,
            ("barman", "compression", "gzip"), ("barman", "streaming_archiver", "on"), ("barman", "slot_name", "global_slot"),
            ("barman", "check_timeout", "5"), ("barman", "conninfo", "host=ignored"), ("barman", "description", "ignored"),
            ("barman", "archiver_batch_size", "10"),
            Conninfo, Postgres, ("pg", "archiver_batch_size", "20"));
        var pg = Server(config, "pg");
        Assert.Equal("gzip", pg.Compression);
        Assert.True(pg.StreamingArchiver);
        Assert.Equal("global_slot", pg.SlotName);
        Assert.Equal(5, pg.CheckTimeout);
        Assert.Equal(20, pg.ArchiverBatchSize);
        Assert.Equal("host=127.0.0.1", pg.Conninfo);
        Assert.Null(pg.Description);
        // conninfo and description are server keys: accepted in [barman] without a warning, never inherited.
        Assert.Empty(config.Warnings);
    }

    [Theory]
    [InlineData(Ini, "")]
    [InlineData(Ini, "none")]
    [InlineData(Ini, "None")]
    [InlineData(Toml, "")]
    [InlineData(Toml, "NONE")]
    public void None_or_empty_on_a_key_without_parser_blocks_inheritance_and_default(string format, string empty)
    {
        var config = Load(format,
            ("barman", "path_prefix", "/opt/pg/bin"), ("barman", "compression", "gzip"),
            Conninfo, Postgres, ("pg", "path_prefix", empty), ("pg", "compression", empty), ("pg", "streaming_conninfo", empty),
            ("pg", "streaming_archiver_name", empty), ("pg", "max_slot_lag", empty));
        var pg = Server(config, "pg");
        Assert.Null(pg.PathPrefix);
        Assert.Null(pg.Compression);
        Assert.Null(pg.StreamingConninfo);
        Assert.Equal("", pg.StreamingArchiverName);
        Assert.Null(pg.MaxSlotLag);
        Assert.DoesNotContain(config.Warnings, w => w.StartsWith("Ignoring", StringComparison.Ordinal));
        Assert.Contains("Streaming connection: Missing 'streaming_conninfo' parameter for server 'pg'", pg.Messages);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Empty_value_of_a_parsed_key_warns_and_inherits(string format)
    {
        var config = Load(format,
            ("barman", "streaming_archiver", "on"), ("barman", "slot_name", "s1"), ("barman", "check_timeout", "7"),
            Conninfo, Postgres, ("pg", "streaming_archiver", ""), ("pg", "slot_name", ""), ("pg", "check_timeout", ""),
            ("pg", "create_slot", "none"), ("pg", "last_wal_maximum_age", ""));
        var pg = Server(config, "pg");
        Assert.True(pg.StreamingArchiver);
        Assert.Equal("s1", pg.SlotName);
        Assert.Equal(7, pg.CheckTimeout);
        Assert.Equal(CreateSlotMode.Manual, pg.CreateSlot);
        Assert.Null(pg.LastWalMaximumAge);
        Assert.Equal(
        [
            "Ignoring invalid configuration value '' for key check_timeout in [pg] section: invalid literal for int() with base 10: ''",
            "Ignoring invalid configuration value '' for key create_slot in [pg] section: Invalid value (use 'manual' or 'auto')",
            "Ignoring invalid configuration value '' for key slot_name in [pg] section: Replication slot names may only contain lower case letters, numbers, and the underscore character.",
            "Ignoring invalid configuration value '' for key streaming_archiver in [pg] section: Invalid boolean representation (use 'true' or 'false')",
        ], config.Warnings);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Invalid_values_warn_with_Barman_texts_in_key_order_and_fall_back(string format)
    {
        var config = Load(format,
            ("barman", "archiver", "on"),
            ("pg", "description", "\"Test PG15 streaming\""), Conninfo,
            ("pg", "streaming_archiver", "maybe"), ("pg", "slot_name", "Bad-Slot"), ("pg", "create_slot", "sometimes"),
            ("pg", "bogus_option", "1"), ("pg", "archiver_batch_size", "abc"), ("pg", "last_wal_maximum_age", "3 years"),
            ("pg", "compression", "pigz"), ("pg", "max_slot_lag", "lots"), ("pg", "backup_method", "tape"));
        var pg = Server(config, "pg");
        Assert.Equal("Test PG15 streaming", pg.Description);
        Assert.False(pg.StreamingArchiver);
        Assert.True(pg.Archiver);
        Assert.Null(pg.SlotName);
        Assert.Equal(0, pg.ArchiverBatchSize);
        Assert.Equal("rsync", pg.BackupMethod);
        Assert.Equal(
        [
            "Invalid configuration option \"bogus_option\" in [pg] section.",
            "Ignoring invalid configuration value 'abc' for key archiver_batch_size in [pg] section: invalid literal for int() with base 10: 'abc'",
            "Ignoring invalid configuration value 'tape' for key backup_method in [pg] section: Invalid value (must be one in: 'rsync', 'postgres', 'local-rsync', 'snapshot')",
            "Ignoring invalid configuration value 'pigz' for key compression in [pg] section: Invalid value (must be one in: 'gzip', 'bzip2', 'lz4', 'zstd', 'pygzip', 'pybzip2')",
            "Ignoring invalid configuration value '3 years' for key last_wal_maximum_age in [pg] section: Invalid value for a time interval 3 years",
            "Ignoring invalid configuration value 'sometimes' for key create_slot in [pg] section: Invalid value (use 'manual' or 'auto')",
            "Ignoring invalid configuration value 'Bad-Slot' for key slot_name in [pg] section: Replication slot names may only contain lower case letters, numbers, and the underscore character.",
            "Ignoring invalid configuration value 'maybe' for key streaming_archiver in [pg] section: Invalid boolean representation (use 'true' or 'false')",
            "Ignoring invalid configuration value 'lots' for key max_slot_lag in [pg] section: Invalid size lots (use bytes or a unit: kB, MB, GB, TB, KiB, MiB, GiB, TiB)",
            "Missing or invalid ssh_command in barman configuration for server pg",
        ], config.Warnings.Append(pg.Messages.Single()));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("T", true)]
    [InlineData("yes", true)]
    [InlineData("1", true)]
    [InlineData("On", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("f", false)]
    [InlineData("NO", false)]
    [InlineData("0", false)]
    [InlineData("off", false)]
    public void Booleans_accept_Barman_spellings_in_both_formats(string text, bool expected)
    {
        foreach (var format in new[] { Ini, Toml })
        {
            var pg = Server(Load(format, Conninfo, Postgres, ("pg", "archiver", "on"), ("pg", "streaming_archiver_restart", text),
                ("pg", "active", text)), "pg");
            Assert.Equal(expected, pg.StreamingArchiverRestart);
            Assert.Equal(expected, pg.Active);
        }
    }

    [Theory]
    [InlineData("y")]
    [InlineData("n")]
    [InlineData("enabled")]
    public void Booleans_reject_other_words(string text)
    {
        var config = Load(Ini, Conninfo, Postgres, ("pg", "archiver", "on"), ("pg", "active", text));
        Assert.True(Server(config, "pg").Active);
        Assert.Equal($"Ignoring invalid configuration value '{text}' for key active in [pg] section: Invalid boolean representation (use 'true' or 'false')",
            Assert.Single(config.Warnings));
    }

    [Fact]
    public void Toml_native_booleans_and_integers_are_accepted()
    {
        using var dir = new Infrastructure.TempDir();
        var path = dir.Write("barman.toml", $"""
            [barman]
            barman_home = "{dir.Combine("home")}"
            streaming_archiver = true
            archiver_batch_size = 25

            [pg]
            conninfo = "host=x"
            backup_method = "postgres"
            slot_name = "barman"
            archiver = false
            check_timeout = 12
            max_incoming_wals_queue = 3
            max_slot_lag = 1048576
            """);
        var config = ConfigLoader.Load(path);
        var pg = Server(config, "pg");
        Assert.True(pg.StreamingArchiver);
        Assert.False(pg.Archiver);
        Assert.Equal(25, pg.ArchiverBatchSize);
        Assert.Equal(12, pg.CheckTimeout);
        Assert.Equal(3, pg.MaxIncomingWalsQueue);
        Assert.Equal(1048576L, pg.MaxSlotLag);
        Assert.Empty(config.Warnings);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Slot_name_is_lower_cased_and_create_slot_is_case_insensitive(string format)
    {
        var pg = Server(Load(format, Conninfo, Postgres, ("pg", "streaming_archiver", "on"), ("pg", "slot_name", "Barman_S1"),
            ("pg", "create_slot", "AUTO")), "pg");
        Assert.Equal("barman_s1", pg.SlotName);
        Assert.Equal(CreateSlotMode.Auto, pg.CreateSlot);
        Assert.Empty(pg.Messages);
    }

    [Theory]
    [InlineData("1 day", 1.0)]
    [InlineData("2 days", 2.0)]
    [InlineData(" 3 weeks ", 21.0)]
    [InlineData("1 month", 31.0)]
    [InlineData("2 MONTHS", 62.0)]
    [InlineData("6 hours", 0.25)]
    public void Time_intervals_follow_parse_time_interval(string text, double days)
    {
        var pg = Server(Load(Toml, Conninfo, Postgres, ("pg", "archiver", "on"), ("pg", "last_wal_maximum_age", text)), "pg");
        Assert.Equal(TimeSpan.FromDays(days), pg.LastWalMaximumAge);
    }

    [Theory]
    [InlineData("10 GiB", 10L << 30)]
    [InlineData("512MB", 512_000_000L)]
    [InlineData("512 MiB", 512L << 20)]
    [InlineData("1048576", 1048576L)]
    [InlineData("2 kb", 2000L)]
    [InlineData("3tib", 3L << 40)]
    public void Max_slot_lag_accepts_sizes(string text, long bytes)
    {
        var pg = Server(Load(Ini, Conninfo, Postgres, ("pg", "archiver", "on"), ("pg", "max_slot_lag", text)), "pg");
        Assert.Equal(bytes, pg.MaxSlotLag);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("bzip2")]
    [InlineData("lz4")]
    [InlineData("zstd")]
    [InlineData("pygzip")]
    [InlineData("pybzip2")]
    public void Compression_accepts_the_implemented_algorithms(string name)
    {
        var config = Load(Toml, Conninfo, Postgres, ("pg", "archiver", "on"), ("pg", "compression", name));
        Assert.Equal(name, Server(config, "pg").Compression);
        Assert.Empty(config.Warnings);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Compatibility_keys_are_accepted_silently_and_shown(string format)
    {
        var config = Load(format, Conninfo, Postgres, ("pg", "archiver", "on"),
            ("pg", "retention_policy", "RECOVERY WINDOW OF 4 WEEKS"), ("pg", "minimum_redundancy", "2"), ("pg", "reuse_backup", "link"),
            ("pg", "network_compression", "true"), ("pg", "bandwidth_limit", "4000"), ("pg", "immediate_checkpoint", "yes"),
            ("pg", "basebackup_retry_times", "3"), ("pg", "recovery_options", "get-wal"), ("pg", "tablespace_bandwidth_limit", "tbs1:100"),
            ("pg", "parallel_jobs", "4"), ("pg", "last_backup_maximum_age", "1 week"), ("pg", "last_backup_minimum_size", "1 Gi"),
            ("pg", "backup_options", "concurrent_backup"), ("pg", "ssh_command", "ssh postgres@pg"), ("pg", "custom_compression_filter", "xz -c"),
            ("barman", "post_backup_script", "/bin/true"), ("barman", "wal_retention_policy", "main"));
        Assert.Empty(config.Warnings);
        var shown = ServerShow.Values(Server(config, "pg")).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("RECOVERY WINDOW OF 4 WEEKS", shown["retention_policy"]);
        Assert.Equal("link", shown["reuse_backup"]);
        Assert.Equal("True", shown["network_compression"]);
        Assert.Equal("3", shown["basebackup_retry_times"]);
        Assert.Equal("RecoveryOptions({'get-wal'})", shown["recovery_options"]);
        Assert.Equal("BackupOptions({'concurrent_backup'})", shown["backup_options"]);
        Assert.Equal("7 days, 0:00:00", shown["last_backup_maximum_age"]);
        Assert.Equal("1073741824", shown["last_backup_minimum_size"]);
        Assert.Equal("/bin/true", shown["post_backup_script"]);
        Assert.Equal("None", shown["snapshot_provider"]);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Unknown_keys_warn_in_server_and_global_sections(string format)
    {
        var config = Load(format, ("barman", "log_format", "%%(message)s"), ("barman", "colour", "blue"),
            Conninfo, Postgres, ("pg", "archiver", "on"), ("pg", "barman_home", "/x"), ("pg", "configuration_files_directory", "/y"));
        Assert.Equal(
        [
            "Invalid configuration option \"colour\" in [barman] section.",
            "Invalid configuration option \"barman_home\" in [pg] section.",
            "Invalid configuration option \"configuration_files_directory\" in [pg] section.",
        ], config.Warnings);
        Assert.Equal("%(message)s", config.Global.LogFormat);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Global_keys_resolve_with_Barman_fallbacks(string format)
    {
        var config = Load(format, ("barman", "log_file", "none"), ("barman", "log_level", "DEBUG"), ("barman", "barman_lock_directory", ""));
        Assert.Null(config.Global.LogFile);
        Assert.Equal("DEBUG", config.Global.LogLevel);
        Assert.Equal(config.Global.BarmanHome, config.Global.LockDirectory);
        Assert.Equal(Environment.UserName, config.Global.BarmanUser);
        Assert.Empty(config.Servers);
    }

    [Theory]
    [InlineData("\"quoted\"", "quoted")]
    [InlineData("'single'", "single")]
    [InlineData("\"mixed'", "\"mixed'")]
    [InlineData("\"\"twice\"\"", "\"twice\"")]
    [InlineData("in \"the\" middle", "in \"the\" middle")]
    public void One_pair_of_surrounding_quotes_is_stripped(string text, string expected)
    {
        foreach (var format in new[] { Ini, Toml })
        {
            var pg = Server(Load(format, Conninfo, Postgres, ("pg", "archiver", "on"), ("pg", "description", text)), "pg");
            Assert.Equal(expected, pg.Description);
        }
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Quoted_none_is_the_word_none(string format)
    {
        var pg = Server(Load(format, Conninfo, Postgres, ("pg", "archiver", "on"), ("pg", "description", "'none'")), "pg");
        Assert.Equal("none", pg.Description);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Disabled_cannot_be_set_from_the_file(string format)
    {
        var config = Load(format, Conninfo, Postgres, ("pg", "archiver", "on"), ("pg", "disabled", "true"));
        Assert.False(Server(config, "pg").Disabled);
        Assert.Empty(config.Warnings);
    }
}
