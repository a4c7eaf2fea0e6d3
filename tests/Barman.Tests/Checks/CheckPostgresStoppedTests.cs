using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>check, status and switch-wal while the cluster is really stopped (own cluster: the test stops it).</summary>
public sealed class CheckPostgresStoppedTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task Stopped_postgres()
    {
        await using var h = new CheckHarness(cluster);
        await cluster.StopAsync();
        try
        {
            var check = await h.RunAsync("check", "pg");
            Assert.Equal("""
                Server pg:
                	WAL archive: FAILED (please make sure WAL shipping is setup)
                	PostgreSQL: FAILED
                	directories: OK
                	wal maximum age: OK (no last_wal_maximum_age provided)
                	wal size: OK (0 B)
                	compression settings: OK
                	systemid coherence: OK (no system Id available)
                	pg_receivexlog: OK
                	pg_receivexlog compatible: FAILED (PostgreSQL version: None, pg_receivexlog version: 15.18)
                	receive-wal running: FAILED (See the Barman log file for more details)
                	archiver errors: OK

                """.Replace("\r", "", StringComparison.Ordinal), check.Out);
            Assert.Equal(1, check.ExitCode);

            var status = await h.RunAsync("status", "pg");
            Assert.Equal("Server pg:\n\tDescription: check test\n\tActive: True\n\tDisabled: False\n\tPostgreSQL version: FAILED trying to get PostgreSQL version\n\tLast archived WAL: No WAL segment archived yet\n\tStreaming: receive-wal stopped\n\tPassive node: False\n", status.Out);
            Assert.Equal(0, status.ExitCode);

            var switched = await h.RunAsync("switch-wal", "pg");
            Assert.Equal("ERROR: Unable to perform pg_switch_wal for server 'pg'.\n", switched.Err);
            Assert.Equal(1, switched.ExitCode);
        }
        finally
        {
            await cluster.StartAsync();
        }
    }
}
