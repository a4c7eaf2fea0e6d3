using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary><c>systemid coherence</c> when the two connections reach different clusters.</summary>
public sealed class SystemIdMismatchTests(PgCluster cluster, ScramPgCluster another) : IClassFixture<PgCluster>, IClassFixture<ScramPgCluster>
{
    [Fact]
    public async Task Streaming_dsn_to_another_cluster_fails()
    {
        await using var h = new CheckHarness(cluster);
        h.Archive("000000010000000000000001");
        h.WriteConfig($"streaming_conninfo = host=127.0.0.1 port={another.Port} user=postgres password={ScramPgCluster.SuperPassword}");
        var result = await h.RunAsync("check", "pg");
        Assert.Contains("\tPostgreSQL streaming: OK\n", result.Out);
        Assert.Contains("\tsystemid coherence: FAILED (is the streaming DSN targeting the same server of the PostgreSQL connection string?)\n", result.Out);
        Assert.DoesNotContain(ScramPgCluster.SuperPassword, result.Out + result.Err);
    }
}
