using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>
/// <c>pg_receivexlog: FAILED</c> needs a PATH without any pg_receivewal, which the shared test
/// process cannot have: the real executable runs with its own PATH instead.
/// </summary>
public sealed class PgReceiveWalMissingTests(PgCluster pg) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task Missing_pg_receivewal_fails_both_items()
    {
        await using var harness = new CheckHarness(pg, serverLines: "path_prefix =");
        var result = await CliRunner.RunProcessAsync(
            ["-c", harness.ConfigPath, "check", "pg"],
            environment: new Dictionary<string, string> { ["PATH"] = "/nonexistent-bin" });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("\tpg_receivexlog: FAILED\n", result.Out);
        Assert.Contains("\tpg_receivexlog compatible: FAILED (PostgreSQL version: 15.", result.Out);
        Assert.Contains(", pg_receivexlog version: None)\n", result.Out);
        Assert.Contains("\tPostgreSQL: OK\n", result.Out);
    }
}
