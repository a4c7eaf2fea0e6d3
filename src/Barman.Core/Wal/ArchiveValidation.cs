using Barman.Core.Compression;
using Barman.Core.Configuration;
using Barman.Core.Wal.Format;

namespace Barman.Core.Wal;

/// <summary>
/// Archive-time validation (ours; pgBackRest's archive-header-check, stronger): before a segment or a
/// <c>.partial</c> is archived, its first page header (40 bytes, decompressed when the file arrived
/// compressed) must be a long header of PostgreSQL WAL at the position its name says, with a possible segment
/// and block size, and the server's system identifier: the one of identity.json, or, when none is known yet,
/// the first valid segment's, then recorded there. A <c>.history</c> file must parse. <c>.backup</c> files are
/// archived as they are. Shared by the preparation of a whole run (files are validated in parallel).
/// </summary>
internal sealed class ArchiveValidation(ServerConfig server)
{
    private readonly Lock _identity = new();
    private ulong? _systemIdentifier = ServerIdentity.Read(server)?.SystemIdentifier;

    /// <summary>Why <paramref name="path"/> (archived as <paramref name="name"/>) is not this cluster's WAL, or null when it may be archived.</summary>
    public async Task<string?> RefusalAsync(string path, string name, CancellationToken cancellationToken)
    {
        switch (WalFileName.Classify(name))
        {
            case WalFileKind.History:
                return await HistoryRefusalAsync(path, name, cancellationToken);
            case WalFileKind.Segment or WalFileKind.Partial:
                break;
            default:
                return null;
        }
        var bytes = new byte[FirstPageCheck.BytesNeeded];
        int read;
        await using (var stream = Compressors.OpenDecompressed(path))
            read = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
        if (read < bytes.Length)
            return $"the file is {read} bytes long, too short for a WAL page header";
        var header = WalPageHeader.Read(bytes);
        if (WalMagic.VersionOf(header.Magic) is null)
            return $"invalid magic number {header.Magic:X4}: not a PostgreSQL WAL page";
        if (!Lsn.IsValidSegmentSize(header.SegmentSize))
            return header.IsLong ? $"invalid segment size {header.SegmentSize} in the page header" : "the first page has no long header: not the start of a WAL segment";
        ulong? expected;
        lock (_identity)
            expected = _systemIdentifier;
        var expect = new WalExpectations(header.SegmentSize, SystemIdentifier: expected, BlockSize: (int)Math.Min(header.BlockSize, 1 << 20));
        if (expect.BlockSize is < 1024 or > 65536 || (expect.BlockSize & (expect.BlockSize - 1)) != 0)
            return $"invalid WAL block size {header.BlockSize} in the page header";
        var verdict = FirstPageCheck.Validate(bytes, name, expect);
        if (!verdict.IsValid)
            return verdict.Reason;
        return expected is null ? Learn(header) : null;
    }

    /// <summary>The first valid segment of a server without identity.json gives its system identifier (recorded).</summary>
    private string? Learn(in WalPageHeader header)
    {
        lock (_identity)
        {
            if (_systemIdentifier is { } known)
                return known == header.SystemIdentifier ? null : $"WAL file is from a different database system: system identifier {header.SystemIdentifier}, expected {known}";
            _systemIdentifier = header.SystemIdentifier;
            var version = WalMagic.VersionOf(header.Magic)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
            new ServerIdentity(header.SystemIdentifier.ToString(System.Globalization.CultureInfo.InvariantCulture), version).WriteIfMissing(server);
            return null;
        }
    }

    private static async Task<string?> HistoryRefusalAsync(string path, string name, CancellationToken cancellationToken)
    {
        await using var stream = Compressors.OpenDecompressed(path);
        using var reader = new StreamReader(stream);
        try
        {
            TimelineHistory.Parse(await reader.ReadToEndAsync(cancellationToken), WalFileName.Timeline(name)!.Value);
            return null;
        }
        catch (FormatException e)
        {
            return $"invalid history file: {e.Message}";
        }
    }
}
