using System.Text.Json;
using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Text;

namespace Barman.Core.Wal;

/// <summary>
/// The outcome of the last archiving run of each server, so that <c>check</c> and <c>metrics</c> can
/// tell a failing or stalled archiver from a healthy one (cron's children print nowhere). One small JSON
/// file per server, <c>&lt;backup_directory&gt;/archive-wal-outcome.json</c>, replaced atomically
/// (temp, fsync, rename, fsync of the directory), mode 0600. <see cref="Record"/> is the one entry point
/// for every archiver (archive-wal today, receive-wal's own archiving later).
/// </summary>
internal static class ArchiveRunOutcomes
{
    public const string FileName = "archive-wal-outcome.json";

    public static string PathFor(ServerConfig server) => Path.Combine(server.BackupDirectory, FileName);

    /// <summary>
    /// Records <paramref name="outcome"/> for <paramref name="server"/>. Never throws: a record that
    /// cannot be written is logged (check then sees no recent successful run and says so).
    /// </summary>
    public static void Record(ServerConfig server, ArchiveRunOutcome outcome)
    {
        try
        {
            var previous = Read(server);
            var end = outcome.Started + outcome.Duration;
            var status = outcome.Success
                ? new ArchiveRunStatus(outcome, end, null, 0)
                : new ArchiveRunStatus(outcome, previous?.LastSuccess, previous?.FailingSince ?? outcome.Started, (previous?.ConsecutiveFailures ?? 0) + 1);
            StateFile.Write(PathFor(server), Serialize(status));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            BarmanLog.For("barman.wal_archiver").Warning("Cannot record the archive-wal outcome of server {Server:l} in {Path:l}: {Error:l}",
                server.Name, PathFor(server), e.Message);
        }
    }

    /// <summary>The recorded status, or null when nothing (readable) was recorded yet.</summary>
    public static ArchiveRunStatus? Read(ServerConfig server)
    {
        var path = PathFor(server);
        try
        {
            return StateFile.Read(path) is { } bytes ? Deserialize(bytes) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            BarmanLog.For("barman.wal_archiver").Warning("Ignoring the unreadable archive-wal outcome {Path:l}: {Error:l}", path, e.Message);
            return null;
        }
    }

    internal static byte[] Serialize(ArchiveRunStatus status)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("last_run");
            json.WriteNumber("started", Seconds(status.LastRun.Started));
            json.WriteNumber("duration", Math.Round(status.LastRun.Duration.TotalSeconds, 6));
            json.WriteBoolean("success", status.LastRun.Success);
            json.WriteNumber("archived", status.LastRun.Archived);
            if (status.LastRun.Error is { } error)
                json.WriteString("error", Redactor.Redact(error));
            else
                json.WriteNull("error");
            json.WriteEndObject();
            WriteTime(json, "last_success", status.LastSuccess);
            WriteTime(json, "failing_since", status.FailingSince);
            json.WriteNumber("consecutive_failures", status.ConsecutiveFailures);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    internal static ArchiveRunStatus Deserialize(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var run = root.GetProperty("last_run");
        var outcome = new ArchiveRunOutcome(
            Time(run.GetProperty("started").GetDouble()),
            TimeSpan.FromSeconds(run.GetProperty("duration").GetDouble()),
            run.GetProperty("success").GetBoolean(),
            run.GetProperty("archived").GetInt32(),
            run.GetProperty("error").ValueKind == JsonValueKind.Null ? null : run.GetProperty("error").GetString());
        return new ArchiveRunStatus(outcome, OptionalTime(root, "last_success"), OptionalTime(root, "failing_since"), root.GetProperty("consecutive_failures").GetInt32());
    }

    private static double Seconds(DateTimeOffset time) => Math.Round(time.ToUnixTimeMilliseconds() / 1000.0, 3);

    private static DateTimeOffset Time(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000, MidpointRounding.AwayFromZero));

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
            json.WriteNumber(name, Seconds(t));
        else
            json.WriteNull(name);
    }

    private static DateTimeOffset? OptionalTime(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? Time(value.GetDouble()) : null;
}
