using Barman.Tests.Infrastructure;

namespace Barman.Tests.Configuration;

/// <summary>list-servers, show-servers and configuration errors through the whole CLI.</summary>
public sealed class ConfigCliTests
{
    private static string Write(TempDir dir, string body, string user = "") =>
        dir.Write("barman.conf", $"[barman]\nbarman_home = {dir.Combine("home")}\nbarman_user = {(user.Length > 0 ? user : Environment.UserName)}\n" +
            $"log_file = {dir.Combine("barman.log")}\n{body}");

    private const string Servers = """
        [pg]
        description = PostgreSQL 15 (streaming only)
        conninfo = host=127.0.0.1 user=barman password=s3cret dbname=postgres
        backup_method = postgres
        streaming_archiver = on
        slot_name = barman

        [s2]
        archiver = on

        [s3]
        description = old one
        active = false
        conninfo = host=x
        backup_method = postgres
        archiver = on

        [p]
        primary_ssh_command = ssh barman@primary
        """;

    [Fact]
    public async Task List_servers_prints_Barman_suffixes()
    {
        using var dir = new TempDir();
        var r = await CliRunner.RunAsync("-c", Write(dir, Servers), "list-servers");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("p -  (Passive)\npg - PostgreSQL 15 (streaming only)\ns2 -  (WARNING: disabled)\ns3 - old one (inactive)\n", r.Out);
        Assert.Equal("", r.Err);

        var minimal = await CliRunner.RunAsync("-c", Write(dir, Servers), "list-server", "--minimal");
        Assert.Equal("p\npg\ns2\ns3\n", minimal.Out);
    }

    [Fact]
    public async Task Json_list_servers_puts_the_suffix_in_the_description_without_newline()
    {
        using var dir = new TempDir();
        var r = await CliRunner.RunAsync("-f", "json", "-c", Write(dir, Servers), "list-servers");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            """{"p": {"description": " (Passive)"}, "pg": {"description": "PostgreSQL 15 (streaming only)"}, "s2": {"description": " (WARNING: disabled)"}, "s3": {"description": "old one (inactive)"}}""",
            r.Out);
    }

    [Fact]
    public async Task Show_servers_prints_every_key_one_per_line_with_passwords_redacted()
    {
        using var dir = new TempDir();
        var r = await CliRunner.RunAsync("-c", Write(dir, Servers), "show-servers", "pg", "s2");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Server pg:", lines[0]);
        Assert.Contains("\tconninfo: host=127.0.0.1 user=barman password=*REDACTED* dbname=postgres", lines);
        Assert.Contains("\tstreaming_conninfo: host=127.0.0.1 user=barman password=*REDACTED* dbname=postgres", lines);
        Assert.Contains("\tcreate_slot: manual", lines);
        Assert.Contains("\tslot_name: barman", lines);
        Assert.Contains("\tstreaming_archiver: True", lines);
        Assert.Contains("\tmsg_list: []", lines);
        Assert.Contains("Server s2 (WARNING: disabled):", lines);
        Assert.Contains("\tmsg_list: [\"PostgreSQL connection: Missing 'conninfo' parameter for server 's2'\", 'Missing or invalid ssh_command in barman configuration for server s2']", lines);
        Assert.DoesNotContain("s3cret", r.Out);
        // One key per line, sorted (Barman's redaction swallowed a newline: spec §18.2).
        var pgKeys = lines.Skip(1).TakeWhile(l => l.StartsWith('\t')).Select(l => l[1..l.IndexOf(':', StringComparison.Ordinal)]).ToList();
        Assert.Equal(pgKeys.Order(StringComparer.Ordinal), pgKeys);
        Assert.Contains("keepalive_interval", pgKeys);
        Assert.Contains("retention_policy", pgKeys);
    }

    [Fact]
    public async Task Show_servers_all_marks_inactive_and_unknown_server_is_an_error()
    {
        using var dir = new TempDir();
        var config = Write(dir, Servers);
        var all = await CliRunner.RunAsync("-c", config, "show-server", "all");
        Assert.Equal(0, all.ExitCode);
        Assert.Equal(["Server p:", "Server pg:", "Server s2 (WARNING: disabled):", "Server s3 (inactive):"],
            all.Out.Split('\n').Where(l => l.StartsWith("Server ", StringComparison.Ordinal)));

        var unknown = await CliRunner.RunAsync("-c", config, "show-servers", "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("ERROR: Unknown server 'nope'\n", unknown.Err);

        var none = await CliRunner.RunAsync("-c", config, "show-servers");
        Assert.Equal(2, none.ExitCode);
    }

    [Fact]
    public async Task Json_show_servers_keeps_the_mark_when_the_description_is_none()
    {
        using var dir = new TempDir();
        var r = await CliRunner.RunAsync("-f", "json", "-c", Write(dir, Servers), "show-servers", "s2");
        Assert.StartsWith("{\"s2\": {", r.Out);
        Assert.Contains("\"description\": \"(WARNING: disabled)\"", r.Out);
        Assert.Contains("\"slot_name\": \"None\"", r.Out);
    }

    [Fact]
    public async Task Configuration_warnings_go_to_stderr_on_every_command()
    {
        using var dir = new TempDir();
        var r = await CliRunner.RunAsync("-c", Write(dir, "bogus = 1\n[pg]\nconninfo = host=x\nbackup_method = postgres\nstreaming_archiver = maybe\n"), "list-servers");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            "WARNING: Invalid configuration option \"bogus\" in [barman] section.\n" +
            "WARNING: Ignoring invalid configuration value 'maybe' for key streaming_archiver in [pg] section: Invalid boolean representation (use 'true' or 'false')\n" +
            "WARNING: No archiver enabled for server 'pg'. Please turn on 'archiver', 'streaming_archiver' or both\n" +
            "WARNING: Forcing 'archiver = on'\n", r.Err);
        Assert.Equal("pg\n", r.Out);
    }

    [Theory]
    [InlineData("NOTSET", true)]
    [InlineData("DEBUG", true)]
    [InlineData("INFO", false)]
    public async Task Log_level_option_overrides_the_file_and_NOTSET_logs_everything(string level, bool debugLogged)
    {
        using var dir = new TempDir();
        var r = await CliRunner.RunAsync("--log-level", level, "-c", Write(dir, "log_level = ERROR\n" + Servers), "list-servers");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Err);
        var log = File.Exists(dir.Combine("barman.log")) ? File.ReadAllText(dir.Combine("barman.log")) : "";
        Assert.Equal(debugLogged, log.Contains(" barman.cli DEBUG: Initialised barman ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Conflicting_paths_between_servers_abort_every_command()
    {
        using var dir = new TempDir();
        var shared = dir.Combine("shared");
        var r = await CliRunner.RunAsync("-c", Write(dir,
            $"[a]\nconninfo = x\nbackup_method = postgres\narchiver = on\nwals_directory = {shared}\n" +
            $"[b]\nconninfo = x\nbackup_method = postgres\narchiver = on\nwals_directory = {shared}\n"), "list-servers");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"ERROR: Conflicting path: wals_directory={shared} for server 'b' conflicts with 'wals_directory' for server 'a'\n", r.Err);
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("[barman]\nbarman_home = /x\nnot a pair\n", "ERROR: Malformed configuration file '{0}' at line 3: expected 'key = value', found 'not a pair'\n")]
    [InlineData("[barman]\nbarman_home = /x\n[all]\nconninfo = x\n", "FATAL: the reserved word 'all' is not allowed as server name.Please rename it.\n")]
    [InlineData("[barman]\nlog_level = INFO\n",
        "ERROR: Parameter \"barman_home\" is required in [barman] section.\nYour configuration is missing required parameters. Exiting.\n")]
    [InlineData("[barman]\nbarman_home = /x\n[pg]\nwals_directory = %(nowhere)s\n",
        "ERROR: Bad value substitution: option 'wals_directory' in section 'pg' contains an interpolation key 'nowhere' which is not a valid option name. Raw value: '%(nowhere)s'\n")]
    public async Task Configuration_errors_are_short_and_exit_1(string text, string expected)
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.conf", text);
        var r = await CliRunner.RunAsync("-c", path, "list-servers");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), r.Err);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task Malformed_toml_is_one_line_exit_1()
    {
        using var dir = new TempDir();
        var path = dir.Write("barman.toml", "[barman]\nbarman_home = \"/x\"\n[pg]\nconninfo = \"unterminated\n");
        var r = await CliRunner.RunAsync("-c", path, "list-servers");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"ERROR: Malformed configuration file '{path}' at line 4: ", r.Err);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Ini_and_toml_samples_list_the_same_servers()
    {
        using var dir = new TempDir();
        var outputs = new List<string>();
        foreach (var extension in new[] { ".conf", ".toml" })
        {
            var samples = Path.Combine(Repository.Root, "samples");
            var target = dir.Combine(extension.TrimStart('.'));
            Directory.CreateDirectory(Path.Combine(target, "barman.d"));
            foreach (var file in Directory.GetFiles(Path.Combine(samples, "barman.d"), "*" + extension))
                File.Copy(file, Path.Combine(target, "barman.d", Path.GetFileName(file)));
            // The samples run as the barman user and log under /var/log: point both at this test.
            var text = File.ReadAllText(Path.Combine(samples, "barman" + extension))
                .Replace("barman_user = barman", $"barman_user = {Environment.UserName}", StringComparison.Ordinal)
                .Replace("barman_user = \"barman\"", $"barman_user = \"{Environment.UserName}\"", StringComparison.Ordinal)
                .Replace("/var/log/barman/barman.log", Path.Combine(target, "barman.log"), StringComparison.Ordinal);
            var main = Path.Combine(target, "barman" + extension);
            File.WriteAllText(main, text);
            var r = await CliRunner.RunAsync("-c", main, "list-servers");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("", r.Err);
            outputs.Add(r.Out);
        }
        Assert.Equal("pg - PostgreSQL 15 (streaming only)\npg-archive - PostgreSQL 15 (archive_command only)\n", outputs[0]);
        Assert.Equal(outputs[0], outputs[1]);
    }
}
