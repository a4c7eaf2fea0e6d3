using Barman.Core.Streaming;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>
/// check says why: <c>receive-wal running: FAILED</c> carries receive-wal's last recorded error (cron's
/// receive-wal prints nowhere) until streaming starts again, <c>PostgreSQL: FAILED</c> the connection error.
/// </summary>
public sealed class FailureHintTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    private const string LastError = @"\treceive-wal running: FAILED \(last error (less than one second|\d+ seconds?) ago: ";

    [Fact]
    public async Task Receive_wal_hint_is_its_last_error_until_it_streams_again()
    {
        await using var h = new CheckHarness(cluster);
        var failed = await h.RunAsync("receive-wal", "pg");
        Assert.Equal(1, failed.ExitCode);

        var check = await h.RunAsync("check", "pg");
        Assert.Matches(LastError + System.Text.RegularExpressions.Regex.Escape(
            $"ArchiverFailure:replication slot '{h.Slot}' doesn't exist. Please execute 'barman receive-wal --create-slot pg')\n"), check.Out);

        // Streaming again clears it: a receive-wal stopped on purpose has no error to show.
        await h.CreateSlotAsync();
        var started = await CliRunner.RunProcessAsync(["-c", h.ConfigPath, "receive-wal", "--background", "pg"]);
        Assert.True(started.ExitCode == 0, started.ToString());
        try
        {
            Assert.Contains("\treceive-wal running: OK\n", (await h.RunAsync("check", "pg")).Out);
        }
        finally
        {
            var stop = await CliRunner.RunProcessAsync(["-c", h.ConfigPath, "receive-wal", "--stop", "pg"]);
            Assert.True(stop.ExitCode == 0, stop.ToString());
        }
        Assert.Null(ReceiveWalOutcomes.Read(Barman.Core.Configuration.ConfigLoader.Load(h.ConfigPath).Find("pg")!)!.Error);
        Assert.Contains("\treceive-wal running: FAILED (See the Barman log file for more details)\n", (await h.RunAsync("check", "pg")).Out);
    }

    [Fact]
    public async Task Receive_wal_hint_has_the_cause_of_a_failed_connection()
    {
        await using var h = new CheckHarness(cluster);
        var port = PgCluster.FreePort();
        h.WriteConfig($"streaming_conninfo = host=127.0.0.1 port={port} user=postgres");
        Assert.Equal(1, (await h.RunAsync("receive-wal", "pg")).ExitCode);

        var check = await h.RunAsync("check", "pg");

        Assert.Matches(LastError + System.Text.RegularExpressions.Regex.Escape(
            $"ArchiverFailure:failed opening the PostgreSQL streaming connection for server pg (connection to server at \"127.0.0.1\", port {port} failed: Connection refused"), check.Out);
    }

    [Fact]
    public async Task Receive_wal_hint_has_pg_receivewals_own_error_line()
    {
        await using var h = new CheckHarness(cluster);
        await h.CreateSlotAsync();
        var bin = Directory.CreateDirectory(h.Dir.Combine("fakebin")).FullName;
        var fake = Path.Combine(bin, "pg_receivewal");
        // Beside the real server: a pg_receivewal that fails the way a real one reports errors.
        await File.WriteAllTextAsync(fake, """
            #!/bin/sh
            case "$1" in
              --version) echo 'pg_receivewal (PostgreSQL) 15.18' ;;
              *) echo 'pg_receivewal: error: could not create archive status file: No space left on device' >&2; exit 1 ;;
            esac
            """);
        File.SetUnixFileMode(fake, (UnixFileMode)0x1ED);
        h.WriteConfig($"path_prefix = {bin}");

        var failed = await h.RunAsync("receive-wal", "pg");
        Assert.Contains("ERROR: ArchiverFailure:pg_receivewal terminated with error code: 1\n", failed.Err, StringComparison.Ordinal);

        var check = await h.RunAsync("check", "pg");
        Assert.Matches(LastError + System.Text.RegularExpressions.Regex.Escape(
            "ArchiverFailure:pg_receivewal terminated with error code: 1 (pg_receivewal: error: could not create archive status file: No space left on device))\n"), check.Out);
    }

    [Fact]
    public async Task Postgres_hint_is_the_connection_error()
    {
        await using var h = new CheckHarness(cluster);
        var port = PgCluster.FreePort();
        h.WriteConfig($"conninfo = host=127.0.0.1 port={port} user=postgres dbname=postgres");

        var check = await h.RunAsync("check", "pg");

        Assert.Contains($"\tPostgreSQL: FAILED (connection to server at \"127.0.0.1\", port {port} failed: Connection refused Is the server running on that host and accepting TCP/IP connections?)\n", check.Out);
        var nagios = await h.RunAsync("check", "--nagios", "pg");
        Assert.Contains($"pg.PostgreSQL: FAILED (connection to server at \"127.0.0.1\", port {port} failed: Connection refused", nagios.Out);
    }
}
