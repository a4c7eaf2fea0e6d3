using System.Text;
using System.Text.Json;
using Barman.Core.Configuration;
using Barman.Core.Os;

namespace Barman.Core.Wal;

/// <summary>
/// <c>&lt;backup_directory&gt;/identity.json</c>, in Barman's format (<c>Server.write_identity_file</c>):
/// <c>{"systemid": "...", "version": "15"}</c> with 4-space indent, sorted keys and a final newline.
/// receive-wal writes it on the first successful IDENTIFY_SYSTEM and refuses to stream a different
/// cluster into the same archive; <c>check</c> reads it for <c>systemid coherence</c>; archive-wal and
/// verify-wal hold the WAL to its system identifier.
/// </summary>
internal sealed record ServerIdentity(string SystemId, string Version)
{
    public const string FileName = "identity.json";

    public static string PathFor(ServerConfig server) => Path.Combine(server.BackupDirectory, FileName);

    /// <summary>The stored identity, or null when the file does not exist or is unreadable.</summary>
    public static ServerIdentity? TryRead(ServerConfig server) => TryRead(PathFor(server));

    public static ServerIdentity? TryRead(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("systemid", out var id))
                return null;
            var systemId = id.ValueKind == JsonValueKind.Number ? id.GetRawText() : id.GetString();
            var version = root.TryGetProperty("version", out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;
            return string.IsNullOrEmpty(systemId) ? null : new ServerIdentity(systemId, version ?? "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the file durably (temp + fsync + rename + fsync dir) unless it already exists.</summary>
    public void WriteIfMissing(ServerConfig server)
    {
        var path = PathFor(server);
        if (File.Exists(path))
            return;
        DurableFile.CreateDirectoryDurably(server.BackupDirectory);
        DurableFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(ToJson()));
    }

    /// <summary>The system identifier as a number (PostgreSQL's uint64), or null when it is not one.</summary>
    public ulong? SystemIdentifier => ulong.TryParse(SystemId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    public string ToJson() =>
        "{\n    \"systemid\": " + JsonEncodedText.Encode(SystemId).ToString().Quote() + ",\n    \"version\": " + JsonEncodedText.Encode(Version).ToString().Quote() + "\n}\n";
}

internal static class JsonStringExtensions
{
    public static string Quote(this string encoded) => "\"" + encoded + "\"";
}
