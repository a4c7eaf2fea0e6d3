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
