using Barman.Core.Configuration;
using Barman.Tests.Infrastructure;
using Serilog.Events;
using static Barman.Tests.Configuration.ConfigFiles;

namespace Barman.Tests.Configuration;

/// <summary>Files, sections, INI and TOML syntax, included directories, fatal errors (spec §2.1).</summary>
public sealed class ConfigFileTests
{
    private static string Header(TempDir dir) => $"[barman]\nbarman_home = {dir.Combine("home")}\nbarman_user = {Environment.UserName}\n";

    private static string TomlHeader(TempDir dir) => $"[barman]\nbarman_home = \"{dir.Combine("home")}\"\nbarman_user = \"{Environment.UserName}\"\n";

    [Fact]
    public void Ini_syntax_follows_ConfigParser()
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.conf", Header(dir) + """
            # comment
            ; another comment
            [DEFAULT]
            backup_method = postgres

            [pg]
            Conninfo: host=one
              port=5433
            # a comment inside the value is dropped

                dbname=x
            ARCHIVER = on
            description = first
            description = second ; not a comment
            [pg]
            compression = gzip
            """);
        var config = ConfigLoader.Load(path);
        var pg = Server(config, "pg");
        Assert.Equal("host=one\nport=5433\n\ndbname=x", pg.Conninfo);
        Assert.True(pg.Archiver);
        Assert.Equal("second ; not a comment", pg.Description);
        Assert.Equal("gzip", pg.Compression);
        Assert.Equal("postgres", pg.BackupMethod);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Default_section_keys_apply_to_every_section_and_are_validated_everywhere()
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.conf", Header(dir) + """
            [DEFAULT]
            site = /srv/site
            [pg]
            conninfo = host=x
            backup_method = postgres
            archiver = on
            path_prefix = %(site)s/bin
            """);
        var config = ConfigLoader.Load(path);
        Assert.Equal("/srv/site/bin", Server(config, "pg").PathPrefix);
        Assert.Equal(
        [
            "Invalid configuration option \"site\" in [barman] section.",
            "Invalid configuration option \"site\" in [pg] section.",
        ], config.Warnings);
    }

    [Theory]
    [InlineData("no header first line\n[barman]\n", 1, "the file must start with a [section] header")]
    [InlineData("[barman]\nbarman_home = /x\njust words\n", 3, "expected 'key = value', found 'just words'")]
    [InlineData("[barman]\n= value\n", 2, "expected 'key = value', found '= value'")]
    public void Malformed_ini_is_one_line_with_file_and_line(string text, int line, string problem)
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.conf", text);
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.Equal("ERROR: ", e.Prefix);
        Assert.Equal($"Malformed configuration file '{path}' at line {line}: {problem}", e.Message);
    }

    [Theory]
    [InlineData("[barman]\nbarman_home = \"/x\"\nkey = \n", 3)]
    [InlineData("[barman]\nbarman_home = \"/x\"\n[pg]\nconninfo = \"a\"\nconninfo = \"b\"\n", 5)]
    [InlineData("barman_home = \"/x\"\n", 1)]
    [InlineData("[barman]\nbarman_home = \"/x\"\n[pg.sub]\nconninfo = \"a\"\n", 3)]
    [InlineData("[barman]\nbarman_home = \"/x\"\n[pg]\na.b = \"a\"\n", 4)]
    [InlineData("[barman]\nbarman_home = \"/x\"\n[pg]\nslots = [\"a\"]\n", 4)]
    [InlineData("[barman]\nbarman_home = \"/x\"\n[[pg]]\nconninfo = \"a\"\n", 3)]
    [InlineData("[barman]\nbarman_home = \"/x\"\n[pg]\nratio = 1.5\n", 4)]
    public void Malformed_toml_is_one_line_with_file_and_line(string text, int line)
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.toml", text);
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.StartsWith($"Malformed configuration file '{path}' at line {line}: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Unreadable_file_is_one_line()
    {
        using var dir = new TempDir();
        var path = dir.Combine("barman.conf");
        Directory.CreateDirectory(path);
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.StartsWith($"Cannot read configuration file '{path}': ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(Ini, "[barman]\nlog_level = INFO\n")]
    [InlineData(Ini, "[pg]\nconninfo = x\n")]
    [InlineData(Ini, "[barman]\nbarman_home =\n")]
    [InlineData(Toml, "[barman]\nlog_level = \"INFO\"\n")]
    [InlineData(Toml, "[pg]\nconninfo = \"x\"\n")]
    public void Missing_barman_home_is_Barman_two_line_error(string format, string text)
    {
        using var dir = new TempDir();
        var path = dir.Write("barman" + Extension(format), text);
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.Equal("ERROR: ", e.Prefix);
        Assert.Equal("Parameter \"barman_home\" is required in [barman] section.\nYour configuration is missing required parameters. Exiting.", e.Message);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Server_named_all_is_fatal(string format)
    {
        using var dir = new TempDir();
        var path = ConfigFiles.Write(dir, format, ("all", "conninfo", "host=x"));
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.Equal("FATAL: ", e.Prefix);
        Assert.Equal("the reserved word 'all' is not allowed as server name.Please rename it.", e.Message);
    }

    [Theory]
    [InlineData(Ini, "a/b")]
    [InlineData(Ini, ".hidden")]
    [InlineData(Ini, "x..y")]
    [InlineData(Ini, "two words")]
    [InlineData(Toml, "a/b")]
    [InlineData(Toml, "tab\there")]
    public void Unsafe_server_names_are_refused(string format, string name)
    {
        using var dir = new TempDir();
        var path = ConfigFiles.Write(dir, format, (name, "conninfo", "host=x"));
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.Equal($"Invalid server name '{name}': a server name may not be empty, start with '.', or contain '/', '..' or whitespace", e.Message);
    }

    [Fact]
    public void Included_directory_reads_conf_and_toml_files_in_sorted_order()
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.conf", Header(dir) + "configuration_files_directory = " + dir.Combine("conf.d") + "\n[pg]\ndescription = main\n");
        dir.Write("conf.d/10-pg.toml", "[pg]\nconninfo = \"host=toml\"\nbackup_method = \"postgres\"\narchiver = true\n");
        dir.Write("conf.d/20-pg.conf", "[pg]\nconninfo = host=ini\n");
        dir.Write("conf.d/30-other.toml", "[other]\nconninfo = \"host=o\"\nbackup_method = \"postgres\"\narchiver = true\n");
        dir.Write("conf.d/ignored.txt", "[ignored]\n");
        dir.Write("conf.d/.hidden.conf", "[hidden]\n");
        Directory.CreateDirectory(dir.Combine("conf.d", "40-dir.conf"));
        var config = ConfigLoader.Load(path);
        Assert.Equal(["other", "pg"], config.Servers.Select(s => s.Name));
        var pg = Server(config, "pg");
        Assert.Equal("host=ini", pg.Conninfo);
        Assert.Equal("main", pg.Description);
        Assert.Contains(new ConfigLogMessage(LogEventLevel.Debug, "Including configuration file: 10-pg.toml"), config.LogMessages);
        Assert.Contains(new ConfigLogMessage(LogEventLevel.Warning, "Discarding configuration file: 40-dir.conf (not a file)"), config.LogMessages);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Relative_included_directory_is_relative_to_the_main_file()
    {
        using var dir = new TempDir();
        var path = dir.Write("etc/barman.toml", TomlHeader(dir) + "configuration_files_directory = \"barman.d\"\n");
        dir.Write("etc/barman.d/pg.toml", "[pg]\nconninfo = \"host=x\"\nbackup_method = \"postgres\"\narchiver = true\n");
        Assert.Equal("pg", Assert.Single(ConfigLoader.Load(path).Servers).Name);
    }

    [Theory]
    [InlineData("x.conf", "[barman]\ncompression = gzip\n")]
    [InlineData("x.conf", "[DEFAULT]\ncompression = gzip\n")]
    [InlineData("x.toml", "[barman]\nbarman_home = \"/elsewhere\"\n")]
    public void Included_file_may_not_change_barman_section(string name, string text)
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.conf", Header(dir) + "configuration_files_directory = " + dir.Combine("conf.d") + "\n");
        dir.Write("conf.d/" + name, text);
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.Equal("FATAL: ", e.Prefix);
        Assert.Equal($"the configuration file {name} contains a not empty [barman] section", e.Message);
    }

    [Fact]
    public void Included_file_repeating_barman_values_unchanged_is_accepted()
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.conf", Header(dir) + "configuration_files_directory = " + dir.Combine("conf.d") + "\n");
        dir.Write("conf.d/x.conf", $"[barman]\nbarman_user = {Environment.UserName}\n");
        Assert.Empty(ConfigLoader.Load(path).Servers);
    }

    [Fact]
    public void Included_directory_that_is_not_a_directory_is_logged_and_ignored()
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.conf", Header(dir) + "configuration_files_directory = /nonexistent/barman.d\n");
        var config = ConfigLoader.Load(path);
        Assert.Equal(
            [new ConfigLogMessage(LogEventLevel.Warning, "Ignoring the \"configuration_files_directory\" option as \"/nonexistent/barman.d\" is not a directory")],
            config.LogMessages);
        Assert.Equal("/nonexistent/barman.d", config.Global.ConfigurationFilesDirectory);
    }

    [Fact]
    public void Malformed_included_file_names_the_file()
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.conf", Header(dir) + "configuration_files_directory = " + dir.Combine("conf.d") + "\n");
        var bad = dir.Write("conf.d/bad.toml", "[pg\n");
        var e = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(path));
        Assert.StartsWith($"Malformed configuration file '{bad}' at line 1: ", e.Message);
    }

    [Fact]
    public void Toml_keys_are_case_insensitive_like_ini()
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.toml", TomlHeader(dir) + "[pg]\nConninfo = \"host=x\"\nBACKUP_METHOD = \"postgres\"\nArchiver = true\n");
        var config = ConfigLoader.Load(path);
        Assert.Equal("host=x", Server(config, "pg").Conninfo);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Toml_quoted_table_names_are_server_names()
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.toml", TomlHeader(dir) + "[\"pg-1\"]\nconninfo = \"host=x\"\nbackup_method = \"postgres\"\narchiver = true\n");
        Assert.Equal("pg-1", Assert.Single(ConfigLoader.Load(path).Servers).Name);
    }
}
