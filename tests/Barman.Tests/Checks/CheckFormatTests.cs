using Barman.Core.Checks;
using Barman.Core.Text;
using Barman.Core.Wal;

namespace Barman.Tests.Checks;

/// <summary>Barman's formatting helpers and layouts, byte for byte.</summary>
public sealed class CheckFormatTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(47_290_000, "45.1 MiB")]
    [InlineData(-33_554_432, "-32.0 MiB")]
    [InlineData(16_777_216, "16.0 MiB")]
    public void Pretty_size_matches_barman(long size, string expected) => Assert.Equal(expected, HumanFormat.PrettySize(size));

    [Fact]
    public void Timedelta_matches_barman()
    {
        Assert.Equal("1 hour", HumanFormat.Timedelta(TimeSpan.FromHours(1)));
        Assert.Equal("2 days, 1 hour, 1 minute, 5 seconds", HumanFormat.Timedelta(new TimeSpan(2, 1, 1, 5)));
        Assert.Equal("less than one second", HumanFormat.Timedelta(TimeSpan.FromMilliseconds(10)));
        Assert.Equal("3 minutes ago", HumanFormat.Timedelta(TimeSpan.FromMinutes(-3)));
    }

    [Fact]
    public void Ctime_pads_the_day_with_a_space()
    {
        Assert.Equal("Tue Nov 24 05:33:08 2026", ServerStatus.CTime(new DateTime(2026, 11, 24, 5, 33, 8)));
        Assert.Equal("Wed Nov  4 05:33:08 2026", ServerStatus.CTime(new DateTime(2026, 11, 4, 5, 33, 8)));
    }

    [Fact]
    public void Error_summary_counts_kinds_in_order_of_appearance()
    {
        Assert.Null(ArchiverErrorsCheck.Summarise([]));
        Assert.Equal("unknown: 2, duplicates: 1, not relevant: 1, unknown failure: 1",
            ArchiverErrorsCheck.Summarise(["a.unknown", "b.duplicate", "c.unknown", "d.error", "e"]));
        Assert.Equal("kept by reset: 1, kept by truncation: 1",
            ArchiverErrorsCheck.Summarise(["x.20261124T052932Z.reset", "y.20261124T052932Z.truncated"]));
    }

    [Fact]
    public void Continuity_finds_the_first_gap_per_timeline()
    {
        static WalSegment Seg(string name) => new(name, Convert.ToUInt32(name[..8], 16), Convert.ToUInt64(name[8..16], 16), Convert.ToUInt64(name[16..24], 16), name.EndsWith(".partial", StringComparison.Ordinal));
        var across = new[] { Seg("0000000100000000000000FF"), Seg("000000010000000100000000"), Seg("000000010000000100000001") };
        Assert.Null(WalContinuityCheck.FindProblem(across, new HashSet<uint>(), 256));
        var gap = new[] { Seg("0000000100000000000000FE"), Seg("000000010000000100000000") };
        Assert.Equal("the first missing WAL file is 0000000100000000000000FF", WalContinuityCheck.FindProblem(gap, new HashSet<uint>(), 256));
        var partialEnd = new[] { Seg("000000010000000000000010"), Seg("000000010000000000000011.partial"), Seg("000000020000000000000011") };
        Assert.Equal("the history file 00000002.history is missing", WalContinuityCheck.FindProblem(partialEnd, new HashSet<uint>(), 256));
        Assert.Null(WalContinuityCheck.FindProblem(partialEnd, new HashSet<uint> { 2 }, 256));
    }

    /// <summary>pg_receivewal as pg_stat_replication shows it, 32 MiB behind.</summary>
    private static readonly ReplicationClient StreamingClient = new()
    {
        Pid = 10056,
        UserName = "streaming_barman",
        ApplicationName = "barman_receive_wal",
        ClientAddr = "127.0.0.1",
        ClientPort = 41432,
        BackendStart = ReplicationStatus.PythonTimestamp("2026-11-24 05:33:08.155963+00"),
        State = "streaming",
        SentLsn = "0/F000000",
        WriteLsn = "0/D000000",
        FlushLsn = "0/D000000",
        SyncState = "async",
        SlotName = "barman",
        CurrentLsn = "0/F000000",
    };

    [Fact]
    public void Replication_status_layout_is_barmans()
    {
        var client = StreamingClient;
        var full = string.Join("\n", ReplicationStatus.Format("pg", ReplicationTarget.All, false, "0/F000000", [client])) + "\n";
        Assert.Equal("""
            Status of streaming clients for server 'pg':
              Current LSN on master: 0/F000000
              Number of streaming clients: 1

              1. Async WAL streamer
                 Application name: barman_receive_wal
                 Sync stage      : 2/3 WAL Sent (min)
                 Communication   : TCP/IP
                 IP Address      : 127.0.0.1 / Port: 41432 / Host: -
                 User name       : streaming_barman
                 Current state   : streaming (async)
                 Replication slot: barman
                 WAL sender PID  : 10056
                 Started at      : 2026-11-24 05:33:08.155963+00:00
                 Sent LSN   : 0/F000000 (diff: 0 B)
                 Write LSN  : 0/D000000 (diff: -32.0 MiB)
                 Flush LSN  : 0/D000000 (diff: -32.0 MiB)

            """, full);

        var minimal = string.Join("\n", ReplicationStatus.Format("pg", ReplicationTarget.All, true, "0/3000060", [client with { SentLsn = "0/3000060", WriteLsn = "0/3000060" }]));
        Assert.Equal("Streaming clients for master 'pg' (LSN @ 0/3000060):\n  1. W) streaming_barman@127.0.0.1 S:0/3000060 W:0/3000060 P:0 AN:barman_receive_wal", minimal);

        var none = string.Join("\n", ReplicationStatus.Format("pg", ReplicationTarget.HotStandby, false, "0/3000060", []));
        Assert.Equal("Status of hot standby servers for server 'pg':\n  Current LSN on master: 0/3000060\n  No hot standby servers attached", none);
    }

    [Fact]
    public void Replication_status_json_is_barmans_structured_object()
    {
        var client = StreamingClient;
        static string Json(ReplicationTarget target, bool minimal, IReadOnlyList<ReplicationClient> clients)
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var output = new Barman.Core.Output.JsonOutput(stdout, stderr, new Barman.Core.Output.OutputOptions());
            output.ResultReplicationStatus("pg", [.. ReplicationStatus.Format("pg", target, minimal, "0/F000000", clients)],
                ReplicationStatusJson.Fields(target, minimal, "0/F000000", clients));
            output.Close();
            return stdout.ToString();
        }

        Assert.Equal(
            "{\"pg\": {\"server_lsn\": \"0/F000000\", \"streaming_clients\": [{\"application_name\": \"barman_receive_wal\", \"communication\": \"TCP/IP\", "
            + "\"current_state\": \"streaming\", \"current_sync_state\": \"async\", \"flush_lsn\": \"0/D000000\", \"flush_lsn_diff\": \"-32.0 MiB\", "
            + "\"flush_lsn_diff_bytes\": -33554432, \"host\": null, \"ip_address\": \"127.0.0.1\", \"name\": \"Async WAL streamer\", \"port\": 41432, "
            + "\"replication_slot\": \"barman\", \"sent_lsn\": \"0/F000000\", \"sent_lsn_diff\": \"0 B\", \"sent_lsn_diff_bytes\": 0, "
            + "\"started_at\": \"2026-11-24 05:33:08.155963+00:00\", \"sync_stage\": \"2/3 WAL Sent (min)\", \"user_name\": \"streaming_barman\", "
            + "\"wal_sender_pid\": 10056, \"write_lsn\": \"0/D000000\", \"write_lsn_diff\": \"-32.0 MiB\", \"write_lsn_diff_bytes\": -33554432}]}}",
            Json(ReplicationTarget.All, false, [client]));
        Assert.Equal(
            "{\"pg\": {\"server_lsn\": \"0/F000000\", \"wal_streamers\": [{\"application_name\": \"barman_receive_wal\", \"client_addr\": \"127.0.0.1\", "
            + "\"sent_lsn\": \"0/F000000\", \"sync_priority\": 0, \"user_name\": \"streaming_barman\", \"write_lsn\": \"0/D000000\"}]}}",
            Json(ReplicationTarget.WalStreamer, true, [client]));
        Assert.Equal("{\"pg\": {\"hot_standby_servers\": [], \"server_lsn\": \"0/F000000\", \"standby_info\": \"No hot standby servers attached\"}}",
            Json(ReplicationTarget.HotStandby, false, []));
    }
}
