using Barman.Tests.Infrastructure;

namespace Barman.Tests;

public sealed class CliShellTests
{
    [Fact]
    public async Task Version_prints_the_banner()
    {
        var r = await CliRunner.RunAsync("-v");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Barman", r.Out);
    }

    [Fact]
    public async Task A_value_outside_the_choices_is_argparses_one_error_line_after_the_usage()
    {
        var r = await CliRunner.RunAsync("-f", "xml", "list-servers");
        Assert.Equal((2, ""), (r.ExitCode, r.Out));
        var lines = r.Err.TrimEnd('\n').Split('\n');
        Assert.Equal("barman: error: argument -f/--format: invalid choice: 'xml' (choose from 'console', 'json')", lines[^1]);
        Assert.StartsWith("usage: barman ", lines[0], StringComparison.Ordinal);
        // Nothing but the usage before the error: no second wording of the same problem.
        Assert.Single(lines, l => l.Contains("error:", StringComparison.OrdinalIgnoreCase) || l.Contains("xml", StringComparison.Ordinal));
        Assert.DoesNotContain("Must be one of", r.Err, StringComparison.Ordinal);
        Assert.All(lines[1..^1], l => Assert.StartsWith(" ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_directory_given_as_config_file_is_said_to_be_one()
    {
        using var dir = new TempDir();
        var r = await CliRunner.RunAsync("-c", dir.Path, "list-servers");
        Assert.Equal((1, "", $"Configuration file '{dir.Path}' is a directory\n"), (r.ExitCode, r.Out, r.Err));
        var fromEnvironment = await CliRunner.RunProcessAsync(["list-servers"], environment: new Dictionary<string, string> { ["BARMAN_CONFIG_FILE"] = dir.Path });
        Assert.Equal((1, $"Configuration file '{dir.Path}' is a directory\n"), (fromEnvironment.ExitCode, fromEnvironment.Err));
    }

    [Fact]
    public async Task Missing_explicit_config_file_is_reported()
    {
        var r = await CliRunner.RunAsync("-c", "/nonexistent/barman.conf", "list-servers");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Configuration file '/nonexistent/barman.conf' does not exist\n", r.Err);
    }
}

public sealed class ServerSelectionTests
{
    [Fact]
    public async Task All_cannot_be_mixed_with_server_names()
    {
        using var dir = new TempDir();
        var config = dir.Write("barman.toml", $"""
            [barman]
            barman_home = "{dir.Path}"
            barman_user = "{Environment.UserName}"
            log_file = "{dir.Path}/barman.log"

            [pg]
            conninfo = "host=127.0.0.1 port=1"
            streaming_archiver = true
            slot_name = "barman"
            backup_method = "postgres"
            """);
        var r = await CliRunner.RunAsync("-c", config, "show-servers", "all", "pg");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ERROR: You cannot use 'all' with other server names\n", r.Err);
    }
}
