namespace Barman.Core.Metrics;

/// <summary>
/// The metric names dashboards and alerts rely on (docs/operations.md, samples/grafana): fixed, each
/// sample labelled <c>server</c>. A metric with nothing to say for a server (no slot, PostgreSQL
/// unreachable, no archive-wal run yet) has no sample for it rather than a made-up value.
/// </summary>
internal static class MetricNames
{
    public static IReadOnlyList<MetricFamily> Families(IReadOnlyList<ServerMetrics> servers)
    {
        MetricFamily Gauge<T>(string name, string help, Func<ServerMetrics, T?> value)
            where T : struct =>
            new(name, help, [.. servers.Where(s => value(s) is not null).Select(s => new Sample([Label(s)], ToDouble(value(s)!.Value)))]);

        MetricFamily ByLabel(string name, string help, string label, Func<ServerMetrics, IReadOnlyList<KeyValuePair<string, int>>> values) =>
            new(name, help, [.. servers.SelectMany(s => values(s).Select(v => new Sample([Label(s), new(label, v.Key)], v.Value)))]);

        return
        [
            Gauge("barman_receive_wal_up", "1 when receive-wal runs for the server (it holds its lock), else 0; streaming servers only.", s => s.ReceiveWalUp),
            Gauge("barman_postgres_up", "1 when the server's PostgreSQL answered the metrics query through conninfo, else 0.", s => s.PostgresUp),
            Gauge("barman_streaming_lag_bytes", "WAL bytes between the server's current position and what receive-wal's walsender reports as flushed.", s => s.StreamingLagBytes),
            Gauge("barman_replication_slot_retained_bytes", "WAL bytes the replication slot makes the server keep (current position - restart_lsn).", s => s.SlotRetainedBytes),
            Gauge("barman_last_archived_wal_timestamp_seconds", "Modification time (Unix seconds) of the newest WAL file in xlog.db.", s => s.LastArchivedWalTime),
            Gauge("barman_last_archived_wal_age_seconds", "Seconds between the newest WAL file in xlog.db and the moment the metrics were collected.", s => s.LastArchivedWalAgeSeconds),
            Gauge("barman_archived_wal_files", "WAL files listed in xlog.db.", s => (int?)s.ArchivedWalFiles),
            Gauge("barman_archive_size_bytes", "Archived (compressed) size of the WAL files listed in xlog.db.", s => (long?)s.ArchiveSizeBytes),
            ByLabel("barman_wal_queue_files", "WAL files waiting to be archived, by queue (streaming, incoming).", "queue", s => s.QueueFiles),
            ByLabel("barman_archiver_errors", "Entries of the errors directory, by kind (duplicate, unknown, error, reset, truncated, other).", "kind", s => s.ArchiverErrors),
            Gauge("barman_archive_wal_last_run_success", "1 when the last archive-wal run succeeded, 0 when it failed.", s => s.LastRunSuccess),
            Gauge("barman_archive_wal_last_run_timestamp_seconds", "When the last archive-wal run ended (Unix seconds).", s => s.LastRunEndTime),
            Gauge("barman_archive_wal_last_run_duration_seconds", "How long the last archive-wal run took.", s => s.LastRunDurationSeconds),
            Gauge("barman_archive_wal_last_run_archived_files", "WAL files the last archive-wal run archived.", s => s.LastRunArchivedFiles),
            Gauge("barman_archive_wal_last_success_timestamp_seconds", "When the last successful archive-wal run ended (Unix seconds).", s => s.LastSuccessTime),
            Gauge("barman_archive_wal_consecutive_failures", "archive-wal runs that failed since the last successful one.", s => s.ConsecutiveFailures),
        ];
    }

    private static KeyValuePair<string, string> Label(ServerMetrics s) => new("server", s.Server);

    private static double ToDouble<T>(T value)
        where T : struct => value switch
        {
            bool b => b ? 1 : 0,
            int i => i,
            long l => l,
            double d => d,
            _ => throw new InvalidOperationException($"no metric value for {typeof(T).Name}"),
        };
}
