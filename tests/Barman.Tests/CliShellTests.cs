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
    public async Task Unknown_verb_is_a_one_line_usage_error_exit_2()
    {
        var r = await CliRunner.RunAsync("frobnicate");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("ERROR: ", r.Err);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Missing_explicit_config_file_is_reported()
    {
        var r = await CliRunner.RunAsync("-c", "/nonexistent/barman.conf", "list-servers");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Configuration file '/nonexistent/barman.conf' does not exist\n", r.Err);
    }
}
