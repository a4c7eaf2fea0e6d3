using System.Text.Json;
using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Text;

namespace Barman.Core.Streaming;

/// <summary>The last thing receive-wal reported: an error (why it stopped or restarted), or null once it streams.</summary>
internal sealed record ReceiveWalOutcome(DateTimeOffset Time, string? Error);

/// <summary>
/// Where receive-wal leaves its last error for <c>check</c> (<c>receive-wal running: FAILED (last error
/// …)</c>): a receive-wal started by cron prints nowhere. <c>&lt;backup_directory&gt;/receive-wal-outcome.json</c>,
/// replaced atomically, mode 0600; cleared (error null) each time pg_receivewal starts streaming.
/// </summary>
internal static class ReceiveWalOutcomes
{
    public const string FileName = "receive-wal-outcome.json";

    public static string PathFor(ServerConfig server) => Path.Combine(server.BackupDirectory, FileName);

    /// <summary>Records an error (or, with null, that streaming started). Never throws: a failure is logged.</summary>
    public static void Record(ServerConfig server, string? error)
    {
        try
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("time", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
                if (error is null)
                    json.WriteNull("error");
                else
                    json.WriteString("error", Redactor.Redact(error));
                json.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
            StateFile.Write(PathFor(server), buffer.ToArray());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            BarmanLog.For("barman.server").Warning("Cannot record the receive-wal outcome of server {Server:l} in {Path:l}: {Error:l}",
                server.Name, PathFor(server), e.Message);
        }
    }

    /// <summary>The last record, or null when none (readable) exists.</summary>
    public static ReceiveWalOutcome? Read(ServerConfig server)
    {
        try
        {
            if (StateFile.Read(PathFor(server)) is not { } bytes)
                return null;
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(root.GetProperty("time").GetDouble() * 1000));
            var error = root.GetProperty("error");
            return new ReceiveWalOutcome(time, error.ValueKind == JsonValueKind.Null ? null : error.GetString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            BarmanLog.For("barman.server").Warning("Ignoring the unreadable receive-wal outcome {Path:l}: {Error:l}", PathFor(server), e.Message);
            return null;
        }
    }
}
