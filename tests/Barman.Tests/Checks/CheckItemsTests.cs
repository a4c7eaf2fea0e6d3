using System.Net;
using System.Net.Sockets;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>The remaining check items in their OK and FAILED states, multi-server runs, and the timeout.</summary>
public sealed class CheckItemsTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    private static string Lines(params string[] lines) => string.Join("", lines.Select(l => l + "\n"));

    [Fact]
    public async Task Streaming_off_warns_about_an_initialised_slot_and_a_non_empty_streaming_directory()
    {
        await using var h = new CheckHarness(cluster);
        await h.CreateSlotAsync();
        await h.StartReceiverAsync();
        await h.StopReceiverAsync();
        h.WriteConfig("streaming_archiver = off\narchiver = on");
        File.WriteAllText(Path.Combine(h.Streaming, "000000010000000000000042"), "x");
        var result = await h.RunAsync("check", "pg");
        Assert.Contains($"\tempty streaming directory: FAILED ('{h.Streaming}' must be empty when streaming_archiver=off)\n", result.Out);
        Assert.Contains($"\treplication slot: OK (WARNING: slot '{h.Slot}' is initialised but not required by the current config)\n", result.Out);
        Assert.Contains("\tarchive_mode: FAILED (please set it to 'on' or 'always')\n", result.Out);
        Assert.Contains("\tarchive_command: FAILED (please set it accordingly to documentation)\n", result.Out);
        Assert.DoesNotContain("receive-wal running", result.Out);

        await h.StartReceiverAsync();
        var active = await h.RunAsync("check", "pg");
        Assert.Contains($"\treplication slot: OK (WARNING: slot '{h.Slot}' is active but not required by the current config)\n", active.Out);
    }

    [Fact]
    public async Task Queue_over_max_incoming_wals_queue_fails()
    {
        await using var h = new CheckHarness(cluster, "max_incoming_wals_queue = 1");
        h.Archive("000000010000000000000001"); // not empty: check does not archive the queue first
        Directory.CreateDirectory(h.Streaming);
        foreach (var name in new[] { "000000010000000000000040", "000000010000000000000041", "000000010000000000000042.partial", "x.tmp", ".hidden" })
            File.WriteAllText(Path.Combine(h.Streaming, name), "x");
        var result = await h.RunAsync("check", "pg");
        Assert.Contains("\tstreaming WALs directory: FAILED (there are too many WALs in queue: 2, max 1)\n", result.Out);

        var incoming = Path.Combine(h.ServerDir, "incoming");
        Directory.CreateDirectory(incoming);
        File.WriteAllText(Path.Combine(incoming, "000000010000000000000007"), "x");
        var off = await h.RunAsync("check", "pg");
        Assert.Contains($"\tempty incoming directory: FAILED ('{incoming}' must be empty when archiver=off)\n", off.Out);
    }

    [Fact]
    public async Task Directories_that_cannot_be_created_fail()
    {
        await using var h = new CheckHarness(cluster);
        h.Archive("000000010000000000000001");
        File.WriteAllText(Path.Combine(h.Home, "plainfile"), "x");
        var bad = Path.Combine(h.Home, "plainfile", "errors");
        h.WriteConfig($"errors_directory = {bad}");
        var result = await h.RunAsync("check", "pg");
        Assert.True(result.Out.Contains($"\tdirectories: FAILED ({bad}: Not a directory)\n", StringComparison.Ordinal), result.Out);
    }

    [Fact]
    public async Task Systemid_coherence_compares_with_identity_json()
    {
        await using var h = new CheckHarness(cluster);
        h.Archive("000000010000000000000001");
        var systemId = await cluster.ScalarAsync<string>("select system_identifier::text from pg_control_system()");
        File.WriteAllText(Path.Combine(h.ServerDir, "identity.json"), $"{{\n    \"systemid\": \"{systemId}\",\n    \"version\": \"15\"\n}}\n");
        var same = await h.RunAsync("check", "pg");
        Assert.Contains("\tsystemid coherence: OK\n", same.Out);
        File.WriteAllText(Path.Combine(h.ServerDir, "identity.json"), "{\n    \"systemid\": \"1234\",\n    \"version\": \"15\"\n}\n");
        var changed = await h.RunAsync("check", "pg");
        Assert.Contains($"\tsystemid coherence: FAILED (the system Id of the connected PostgreSQL server changed, stored in \"{Path.Combine(h.ServerDir, "identity.json")}\")\n", changed.Out);
    }

    [Fact]
    public async Task Archiver_errors_are_summarised_by_kind()
    {
        await using var h = new CheckHarness(cluster);
        Directory.CreateDirectory(h.Errors);
        File.WriteAllText(Path.Combine(h.Errors, "foo.txt.20261124T052932Z.unknown"), "x");
        var result = await h.RunAsync("check", "pg");
        Assert.Contains("\tarchiver errors: FAILED (unknown: 1)\n", result.Out);
        File.WriteAllText(Path.Combine(h.Errors, "000000010000000000000002.20261124T052932Z.duplicate"), "x");
        File.WriteAllText(Path.Combine(h.Errors, "bar.20261124T052932Z.unknown"), "x");
        result = await h.RunAsync("check", "pg");
        Assert.Matches(@"\tarchiver errors: FAILED \((unknown: 2, duplicates: 1|duplicates: 1, unknown: 2)\)\n", result.Out);
    }

    [Fact]
    public async Task Wal_continuity_names_the_first_missing_segment_and_missing_history()
    {
        await using var h = new CheckHarness(cluster);
        h.Archive("000000010000000000000001", "000000010000000000000002", "000000010000000000000003");
        var ok = await h.RunAsync("check", "pg");
        Assert.Contains("\twal continuity: OK\n", ok.Out);
        Assert.DoesNotContain("WAL archive", ok.Out);
        Assert.Contains("\twal size: OK (3.0 KiB)\n", ok.Out);

        File.Delete(Path.Combine(h.Wals, "0000000100000000", "000000010000000000000002"));
        var gap = await h.RunAsync("check", "pg");
        Assert.Contains("\twal continuity: FAILED (the first missing WAL file is 000000010000000000000002)\n", gap.Out);

        File.WriteAllBytes(Path.Combine(h.Wals, "0000000100000000", "000000010000000000000002"), new byte[1]);
        h.Archive("000000020000000000000003", "000000020000000000000004", "000000020000000000000100");
        var history = await h.RunAsync("check", "pg");
        Assert.Contains("\twal continuity: FAILED (the history file 00000002.history is missing)\n", history.Out);

        h.Archive("00000002.history");
        var gap2 = await h.RunAsync("check", "pg");
        Assert.Contains("\twal continuity: FAILED (the first missing WAL file is 000000020000000000000005)\n", gap2.Out);
    }

    [Fact]
    public async Task Wal_maximum_age_uses_the_newest_archived_wal()
    {
        await using var h = new CheckHarness(cluster, "last_wal_maximum_age = 1 hour");
        var empty = await h.RunAsync("check", "pg");
        Assert.Contains("\twal maximum age: FAILED (No WAL files archived for last backup)\n", empty.Out);
        h.Archive("000000010000000000000001"); // archived at 1700000000 (2023)
        var old = await h.RunAsync("check", "pg");
        Assert.Matches(@"\twal maximum age: FAILED \(interval provided: 1 hour, latest wal age: \d+ days, .*\)\n", old.Out);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 125;
        File.AppendAllText(Path.Combine(h.Wals, "xlog.db"), $"000000010000000000000002\t1024\t{now}.5\tNone\n");
        var recent = await h.RunAsync("check", "pg");
        Assert.Matches(@"\twal maximum age: OK \(interval provided: 1 hour, latest wal age: 2 minutes, \d+ seconds\)\n", recent.Out);
    }

    [Fact]
    public async Task Disabled_and_inactive_servers()
    {
        await using var h = new CheckHarness(cluster, "active = false");
        var inactive = await h.RunAsync("check", "pg");
        Assert.StartsWith("Server pg (inactive):\n\tWAL archive: FAILED", inactive.Out);
        Assert.Equal(0, inactive.ExitCode);
        var nagios = await h.RunAsync("check", "--nagios", "pg");
        Assert.Equal("BARMAN OK - No server configured * IGNORING: pg\n", nagios.Out);
        Assert.Equal(0, nagios.ExitCode);

        h.WriteConfig("slot_name =");
        var disabled = await h.RunAsync("check", "pg");
        Assert.StartsWith("Server pg (WARNING: disabled):\n", disabled.Out);
        Assert.Contains("\tconfiguration: FAILED\n\t\tStreaming-only archiver requires 'streaming_conninfo' and 'slot_name' options to be properly configured\n", disabled.Out);
        Assert.DoesNotContain("directories", disabled.Out);
        Assert.Equal(1, disabled.ExitCode);
    }

    [Fact]
    public async Task Healthy_server_is_espresso_and_check_all_reports_every_server()
    {
        var other = $"""
            [other]
            description = "file archiver only"
            conninfo = host=127.0.0.1 port={cluster.Port} user=postgres dbname=postgres
            backup_method = postgres
            archiver = on
            """;
        await using var h = new CheckHarness(cluster, extraSections: other);
        await h.CreateSlotAsync();
        await h.StartReceiverAsync();
        h.Archive("000000010000000000000001");

        var healthy = await h.RunAsync("check", "--nagios", "pg");
        Assert.Equal("BARMAN OK - Ready to serve the Espresso backup for pg|pg=0B pg_wals=1024B\n", healthy.Out);
        Assert.Equal(0, healthy.ExitCode);

        var all = await h.RunAsync("check", "--nagios", "all");
        Assert.Equal(Lines(
            "BARMAN CRITICAL - 1 server out of 2 have issues * other FAILED: WAL archive, archive_mode, archive_command|other=0B other_wals=0B pg=0B pg_wals=1024B",
            "other.WAL archive: FAILED (please make sure WAL shipping is setup)",
            "other.archive_mode: FAILED (please set it to 'on' or 'always')",
            "other.archive_command: FAILED (please set it accordingly to documentation)"), all.Out);
        Assert.Equal(2, all.ExitCode);

        var console = await h.RunAsync("check", "all");
        Assert.StartsWith("Server other:\n", console.Out);
        Assert.Contains("\nServer pg:\n", console.Out);
        Assert.Equal(1, console.ExitCode);
    }

    [Fact]
    public async Task Unreachable_postgres_hides_the_postgres_group()
    {
        await using var h = new CheckHarness(cluster);
        var port = PgCluster.FreePort();
        h.WriteConfig($"conninfo = host=127.0.0.1 port={port} user=postgres dbname=postgres\nstreaming_conninfo = host=127.0.0.1 port={port} user=postgres");
        var result = await h.RunAsync("check", "pg");
        Assert.Equal(Lines(
            "Server pg:",
            "\tWAL archive: FAILED (please make sure WAL shipping is setup)",
            $"\tPostgreSQL: FAILED (connection to server at \"127.0.0.1\", port {port} failed: Connection refused Is the server running on that host and accepting TCP/IP connections?)",
            "\tdirectories: OK",
            "\twal maximum age: OK (no last_wal_maximum_age provided)",
            "\twal size: OK (0 B)",
            "\tcompression settings: OK",
            "\tsystemid coherence: OK (no system Id available)",
            "\tpg_receivexlog: OK",
            "\tpg_receivexlog compatible: FAILED (PostgreSQL version: None, pg_receivexlog version: 15.18)",
            "\treceive-wal running: FAILED (See the Barman log file for more details)",
            "\tarchiver errors: OK",
            "\tarchive-wal: OK (0 WAL files archived by the last run)"), result.Out);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Check_timeout_bounds_the_whole_check()
    {
        // A server that accepts the connection and never answers.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = new List<Socket>();
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (true)
                    accepted.Add(await listener.AcceptSocketAsync());
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
        await using var h = new CheckHarness(cluster);
        h.WriteConfig($"conninfo = host=127.0.0.1 port={port} user=postgres dbname=postgres\nstreaming_conninfo = host=127.0.0.1 port={port} user=postgres\ncheck_timeout = 1");
        var result = await h.RunAsync("check", "pg");
        Assert.Equal(Lines(
            "Server pg:",
            "\tWAL archive: FAILED (please make sure WAL shipping is setup)",
            "\tcheck timeout: FAILED (barman check command timed out)"), result.Out);
        Assert.Equal(1, result.ExitCode);
        listener.Stop();
        foreach (var socket in accepted)
            socket.Dispose();
        await acceptLoop;
    }

    [Fact]
    public async Task Receive_wal_running_ignores_another_servers_lock()
    {
        await using var h = new CheckHarness(cluster);
        // Barman's glob ".pg-*.lock" would take pg-2's receive-wal for pg's.
        using var foreign = Barman.Core.Os.LockFile.TryAcquire(Path.Combine(h.Home, ".pg-2-receive-wal.lock"));
        var result = await h.RunAsync("check", "pg");
        Assert.Contains("\treceive-wal running: FAILED (See the Barman log file for more details)\n", result.Out);
    }
}
