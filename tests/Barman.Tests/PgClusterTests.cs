using Barman.Tests.Infrastructure;

namespace Barman.Tests;

public sealed class PgClusterTests(PgCluster pg) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task Cluster_is_a_real_postgresql_15_with_replication_settings()
    {
        var version = await pg.ScalarAsync<string>("select current_setting('server_version_num')");
        Assert.StartsWith("15", version);
        Assert.Equal("replica", await pg.ScalarAsync<string>("select current_setting('wal_level')"));
        Assert.Equal("10", await pg.ScalarAsync<string>("select current_setting('max_replication_slots')"));
    }
}

public sealed class ScramPgClusterTests(ScramPgCluster pg) : IClassFixture<ScramPgCluster>
{
    [Fact]
    public async Task Scram_cluster_needs_the_password()
    {
        Assert.Equal(1, await pg.ScalarAsync<int>("select 1"));
        var without = pg.ConnectionString.Replace($";Password={PgCluster.SuperPassword}", "", StringComparison.Ordinal);
        await using var connection = new Npgsql.NpgsqlConnection(without);
        await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());
    }
}
