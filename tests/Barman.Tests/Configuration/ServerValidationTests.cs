using Barman.Core.Configuration;
using Barman.Core.Listing;
using Barman.Tests.Infrastructure;
using static Barman.Tests.Configuration.ConfigFiles;

namespace Barman.Tests.Configuration;

/// <summary>Configuration errors that disable a server, the archiver fallback, conflicting paths (spec §2.4, §2.5).</summary>
public sealed class ServerValidationTests
{
    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Missing_conninfo_disables_the_server(string format)
    {
        var config = Load(format, ("pg", "backup_method", "postgres"), ("pg", "archiver", "on"));
        var pg = Server(config, "pg");
        Assert.True(pg.Disabled);
        Assert.Equal(["PostgreSQL connection: Missing 'conninfo' parameter for server 'pg'",
            "Streaming connection: Missing 'streaming_conninfo' parameter for server 'pg'"], pg.Messages);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Streaming_only_without_slot_disables_the_server(string format)
    {
        var pg = Server(Load(format, ("pg", "conninfo", "host=x"), ("pg", "backup_method", "postgres"), ("pg", "streaming_archiver", "on")), "pg");
        Assert.Equal(["Streaming-only archiver requires 'streaming_conninfo' and 'slot_name' options to be properly configured"], pg.Messages);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Streaming_with_file_archiver_needs_no_slot(string format)
    {
        var pg = Server(Load(format, ("pg", "conninfo", "host=x"), ("pg", "backup_method", "postgres"),
            ("pg", "streaming_archiver", "on"), ("pg", "archiver", "on")), "pg");
        Assert.Empty(pg.Messages);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Rsync_needs_ssh_command_and_warns_about_backup_strategy(string format)
    {
        var without = Load(format, ("pg", "conninfo", "host=x"), ("pg", "archiver", "on"));
        Assert.Equal(["Missing or invalid ssh_command in barman configuration for server pg"], Server(without, "pg").Messages);
        var with = Load(format, ("pg", "conninfo", "host=x"), ("pg", "archiver", "on"), ("pg", "ssh_command", "ssh postgres@pg"));
        Assert.Empty(Server(with, "pg").Messages);
        Assert.Equal(["No backup strategy set for server 'pg' (using default 'concurrent_backup')."], with.Warnings);
        var explicitStrategy = Load(format, ("pg", "conninfo", "host=x"), ("pg", "archiver", "on"), ("pg", "ssh_command", "ssh pg"),
            ("barman", "backup_options", "concurrent_backup"));
        Assert.Empty(explicitStrategy.Warnings);
    }

    /// <summary>
    /// The backup executor's default strategy, as Barman 3.4's show-servers prints it (recorded from
    /// Debian's barman 3.4.0 with this configuration): postgres forces concurrent_backup, rsync and
    /// local-rsync add it with a warning, a passive node and a server without ssh_command keep none.
    /// </summary>
    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Backup_options_get_the_executors_default_strategy(string format)
    {
        (string, string, string)[] Section(string name, params (string Key, string Value)[] keys) =>
            [(name, "conninfo", "host=x"), .. keys.Select(k => (name, k.Key, k.Value))];
        var config = Load(format,
        [
            .. Section("pgs", ("streaming_conninfo", "host=x"), ("backup_method", "postgres"), ("streaming_archiver", "on"), ("slot_name", "b")),
            .. Section("pgx", ("streaming_conninfo", "host=x"), ("backup_method", "postgres"), ("backup_options", "exclusive_backup"),
                ("streaming_archiver", "on"), ("slot_name", "b")),
            .. Section("rs", ("ssh_command", "ssh x"), ("archiver", "on")),
            .. Section("rsx", ("ssh_command", "ssh x"), ("archiver", "on"), ("backup_options", "exclusive_backup,external_configuration")),
            .. Section("rsnossh", ("archiver", "on")),
            .. Section("lr", ("backup_method", "local-rsync"), ("archiver", "on")),
            .. Section("snap", ("backup_method", "snapshot"), ("archiver", "on")),
            ("pas", "primary_ssh_command", "ssh x"),
        ]);
        string Shown(string name) => Barman.Core.Listing.ServerShow.Values(Server(config, name)).Single(v => v.Key == "backup_options").Value;

        Assert.Equal("BackupOptions({'concurrent_backup'})", Shown("pgs"));
        Assert.Equal("BackupOptions({'concurrent_backup'})", Shown("pgx"));
        Assert.Equal("BackupOptions({'concurrent_backup'})", Shown("rs"));
        Assert.Equal("BackupOptions({'exclusive_backup', 'external_configuration'})", Shown("rsx"));
        Assert.Equal("BackupOptions()", Shown("rsnossh"));
        Assert.Equal("BackupOptions({'concurrent_backup'})", Shown("lr"));
        Assert.Equal("BackupOptions()", Shown("snap"));
        Assert.Equal(["Missing or invalid ssh_command in barman configuration for server snap"], Server(config, "snap").Messages);
        Assert.Equal("BackupOptions()", Shown("pas"));
        Assert.Equal(
        [
            "'exclusive_backup' is not a valid backup_option using postgres backup_method. Overriding with 'concurrent_backup'.",
            "No backup strategy set for server 'rs' (using default 'concurrent_backup').",
            "No backup strategy set for server 'lr' (using default 'concurrent_backup').",
        ], config.Warnings.Where(w => w.Contains("backup", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Local_rsync_refuses_ssh_command(string format)
    {
        var pg = Server(Load(format, ("pg", "conninfo", "host=x"), ("pg", "archiver", "on"), ("pg", "backup_method", "local-rsync"),
            ("pg", "ssh_command", "ssh x")), "pg");
        Assert.Equal(["Local copy requires ssh_command in barman configuration to be empty for server pg"], pg.Messages);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void No_archiver_forces_the_file_archiver_with_two_warnings(string format)
    {
        var config = Load(format, ("pg", "conninfo", "host=x"), ("pg", "backup_method", "postgres"), ("pg", "archiver", "off"));
        Assert.True(Server(config, "pg").Archiver);
        Assert.False(Server(config, "pg").Disabled);
        Assert.Equal(["No archiver enabled for server 'pg'. Please turn on 'archiver', 'streaming_archiver' or both", "Forcing 'archiver = on'"],
            config.Warnings);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Passive_nodes_skip_the_postgres_and_archiver_checks(string format)
    {
        var config = Load(format, ("pg", "primary_ssh_command", "ssh barman@primary"));
        var pg = Server(config, "pg");
        Assert.True(pg.Passive);
        Assert.Empty(pg.Messages);
        Assert.False(pg.Archiver);
        Assert.Empty(config.Warnings);
        Assert.Equal(" (Passive)", ServerListing.Suffix(pg));
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Empty_directory_disables_the_server_instead_of_crashing(string format)
    {
        var config = Load(format, ("pg", "conninfo", "host=x"), ("pg", "backup_method", "postgres"), ("pg", "archiver", "on"),
            ("pg", "wals_directory", "none"));
        var pg = Server(config, "pg");
        Assert.Equal(["Invalid configuration: 'wals_directory' must not be empty for server 'pg'"], pg.Messages);
        Assert.Equal(config.Global.BarmanHome + "/pg/wals", pg.WalsDirectory);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Path_conflict_inside_a_server_disables_it(string format)
    {
        using var dir = new TempDir();
        var wals = dir.Combine("shared");
        var path = ConfigFiles.Write(dir, format, ("pg", "conninfo", "host=x"), ("pg", "backup_method", "postgres"), ("pg", "archiver", "on"),
            ("pg", "wals_directory", wals), ("pg", "incoming_wals_directory", wals));
        var config = ConfigLoader.Load(path);
        Assert.Equal([$"Conflicting path: wals_directory={wals} conflicts with 'incoming_wals_directory' for server 'pg'"],
            Server(config, "pg").Messages);
        Assert.Empty(config.Errors);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Path_conflict_between_servers_is_a_global_error(string format)
    {
        using var dir = new TempDir();
        var shared = dir.Combine("shared");
        Directory.CreateDirectory(dir.Combine("real"));
        File.CreateSymbolicLink(dir.Combine("link"), dir.Combine("real"));
        var path = ConfigFiles.Write(dir, format,
            ("a", "conninfo", "host=x"), ("a", "backup_method", "postgres"), ("a", "archiver", "on"), ("a", "backup_directory", shared),
            ("a", "errors_directory", dir.Combine("real", "errors")),
            ("b", "conninfo", "host=x"), ("b", "backup_method", "postgres"), ("b", "archiver", "on"), ("b", "backup_directory", shared + "/"),
            ("b", "errors_directory", dir.Combine("link", "errors")));
        var config = ConfigLoader.Load(path);
        Assert.Equal(
        [
            $"Conflicting path: backup_directory={shared}/ (symlink to: {shared}) for server 'b' conflicts with 'backup_directory' for server 'a'",
            $"Conflicting path: basebackups_directory={shared}//base (symlink to: {shared}/base) for server 'b' conflicts with 'basebackups_directory' for server 'a'",
            $"Conflicting path: errors_directory={dir.Combine("link", "errors")} (symlink to: {dir.Combine("real", "errors")}) for server 'b' conflicts with 'errors_directory' for server 'a'",
            $"Conflicting path: incoming_wals_directory={shared}//incoming (symlink to: {shared}/incoming) for server 'b' conflicts with 'incoming_wals_directory' for server 'a'",
            $"Conflicting path: streaming_wals_directory={shared}//streaming (symlink to: {shared}/streaming) for server 'b' conflicts with 'streaming_wals_directory' for server 'a'",
            $"Conflicting path: wals_directory={shared}//wals (symlink to: {shared}/wals) for server 'b' conflicts with 'wals_directory' for server 'a'",
        ], config.Errors);
        Assert.Empty(Server(config, "a").Messages);
        Assert.Empty(Server(config, "b").Messages);
    }

    [Fact]
    public void Messages_list_path_conflicts_first_like_Barman()
    {
        using var dir = new TempDir();
        var wals = dir.Combine("w");
        var path = ConfigFiles.Write(dir, Ini, ("pg", "backup_method", "postgres"), ("pg", "archiver", "on"),
            ("pg", "wals_directory", wals), ("pg", "errors_directory", wals));
        var pg = Server(ConfigLoader.Load(path), "pg");
        Assert.Equal(
        [
            $"Conflicting path: wals_directory={wals} conflicts with 'errors_directory' for server 'pg'",
            "PostgreSQL connection: Missing 'conninfo' parameter for server 'pg'",
            "Streaming connection: Missing 'streaming_conninfo' parameter for server 'pg'",
        ], pg.Messages);
    }
}
