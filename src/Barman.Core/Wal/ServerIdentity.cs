using System.Text;
using System.Text.Json;
using Barman.Core.Configuration;
using Barman.Core.Os;

namespace Barman.Core.Wal;

/// <summary>
/// <c>&lt;backup_directory&gt;/identity.json</c>, in Barman's format (<c>Server.write_identity_file</c>):
/// <c>{"systemid": "...", "version": "15"}</c> with 4-space indent, sorted keys and a final newline.
/// receive-wal writes it on the first successful IDENTIFY_SYSTEM and refuses to stream a different
/// cluster into the same archive, or any cluster while the file cannot be read; <c>check</c> reads it
/// for <c>systemid coherence</c>; archive-wal and verify-wal hold the WAL to its system identifier.
/// </summary>
internal sealed record ServerIdentity(string SystemId, string Version)
{
    public const string FileName = "identity.json";

    public static string PathFor(ServerConfig server) => Path.Combine(server.BackupDirectory, FileName);

    /// <summary>The stored identity; null when the file does not exist.</summary>
    /// <exception cref="IdentityFileException">it exists but cannot be read or parsed: never guessed.</exception>
    public static ServerIdentity? Read(ServerConfig server) => Read(PathFor(server));

    /// <inheritdoc cref="Read(ServerConfig)"/>
    public static ServerIdentity? Read(string path)
    {
        byte[] bytes;
        try
        {
            if (FileCalls.Lstat(path) is null)
                return null;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IdentityFileException(path, FileCalls.Lstat(path) is { Kind: not FileStatusKind.Regular } ? "not a regular file" : e.Message);
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("systemid", out var id)
                && (id.ValueKind == JsonValueKind.Number ? id.GetRawText() : id.ValueKind == JsonValueKind.String ? id.GetString() : null) is { Length: > 0 } systemId)
            {
                var version = root.TryGetProperty("version", out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;
                return new ServerIdentity(systemId, version ?? "");
            }
        }
        catch (JsonException)
        {
            throw new IdentityFileException(path, "not valid JSON");
        }
        throw new IdentityFileException(path, "no \"systemid\" in it");
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

/// <summary>identity.json exists but cannot be read or parsed.</summary>
internal sealed class IdentityFileException(string path, string problem) : IOException($"cannot read the cluster identity stored in \"{path}\": {problem}");
