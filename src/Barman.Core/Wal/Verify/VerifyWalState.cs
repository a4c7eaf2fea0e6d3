using System.Globalization;
using System.Text.Json;
using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Wal.Format;

namespace Barman.Core.Wal.Verify;

/// <summary>
/// The short result of a server's last verify-wal run, kept in <c>&lt;backup_directory&gt;/verify-wal.json</c>
/// (atomic, 0600): what <c>check</c> shows as <c>wal verification</c>, and where a <c>--from-last</c> run starts
/// (<see cref="ProvenEnd"/>: the last file of the newest timeline of the last proven run, carried over by a run that
/// fails, so that a failure is never skipped by the next run).
/// </summary>
internal sealed record VerifyWalState(
    DateTime Finished,
    bool Proven,
    long FileCount,
    int ProblemCount,
    string? FirstProblem,
    string? ResumedFrom,
    string? ProvenEnd)
{
    public const string FileName = "verify-wal.json";

    public static string PathFor(ServerConfig server) => Path.Combine(server.BackupDirectory, FileName);

    /// <summary>Where a <c>--from-last</c> run starts, or null when no run was proven.</summary>
    public WalResumePoint? ResumePoint(long segmentSize) =>
        ProvenEnd is { } name && WalSegmentFile.FromName(name, segmentSize) is { } file ? new WalResumePoint(file.Timeline, file.SegmentNumber) : null;

    /// <summary>The state of the last run, or null when verify-wal never ran (or its file is unreadable).</summary>
    public static VerifyWalState? TryRead(ServerConfig server)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(PathFor(server)));
            var root = doc.RootElement;
            return new VerifyWalState(
                DateTime.Parse(root.GetProperty("finished").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                root.GetProperty("proven").GetBoolean(),
                root.GetProperty("files").GetInt64(),
                root.GetProperty("problems").GetInt32(),
                Text(root, "first_problem"),
                Text(root, "resumed_from"),
                Text(root, "proven_end"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Replaces the server's state durably (temp, fsync, rename, fsync of the directory), mode 0600.</summary>
    public void Write(ServerConfig server)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("finished", Finished.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            json.WriteBoolean("proven", Proven);
            json.WriteNumber("files", FileCount);
            json.WriteNumber("problems", ProblemCount);
            json.WriteString("first_problem", FirstProblem);
            json.WriteString("resumed_from", ResumedFrom);
            json.WriteString("proven_end", ProvenEnd);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        DurableFile.CreateDirectoryDurably(server.BackupDirectory);
        DurableFile.WriteAllBytes(PathFor(server), buffer.ToArray());
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
