using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>switch-wal and status against a real hot standby (pg_basebackup -R of the fixture cluster).</summary>
public sealed class StandbyTests(PgCluster primary) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task Switch_on_a_standby_performs_no_switch_and_waits_for_any_wal()
    {
        var root = (await PgCluster.RunAsPostgres("mktemp", "-d", "/tmp/barman-standby.XXXXXX")).Trim();
        var data = Path.Combine(root, "data");
        var port = PgCluster.FreePort();
        try
        {
            await PgCluster.RunAsPostgres(Path.Combine(PgCluster.BinDir, "pg_basebackup"), "-D", data, "-R", "-X", "stream", "-c", "fast",
                "-h", "127.0.0.1", "-p", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres");
            await PgCluster.RunAsPostgres("sh", "-c", $"cat >> '{data}/postgresql.conf' <<'EOF'\nport = {port}\nunix_socket_directories = '{root}'\nEOF\n");
            try
            {
                await PgCluster.RunAsPostgres(Path.Combine(PgCluster.BinDir, "pg_ctl"), "-D", data, "-l", Path.Combine(root, "log"), "-w", "-t", "60", "start");
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException(e.Message + await PgCluster.RunAsPostgres("cat", Path.Combine(root, "log")), e);
            }

            await using var h = new CheckHarness(primary);
            h.WriteConfig($"conninfo = host=127.0.0.1 port={port} user=postgres dbname=postgres\nstreaming_conninfo = host=127.0.0.1 port={port} user=postgres");
            var result = await h.RunAsync("switch-wal", "--archive", "--archive-timeout", "1", "pg");
            Assert.Equal("No switch performed because server 'pg' is a standby.\nWaiting for a WAL file from server 'pg' to be archived (max: 1 seconds)\nA WAL file has not been received in 1 seconds\n", result.Out);
            Assert.Equal(0, result.ExitCode);

            var status = await h.RunAsync("status", "pg");
            Assert.Contains("\tCluster state: in archive recovery\n", status.Out);
            Assert.DoesNotContain("Current WAL segment", status.Out);
        }
        finally
        {
            try
            {
                await PgCluster.RunAsPostgres(Path.Combine(PgCluster.BinDir, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
            }
            Directory.Delete(root, recursive: true);
        }
    }
}
