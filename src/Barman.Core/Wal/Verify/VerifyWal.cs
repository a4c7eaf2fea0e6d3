using System.Diagnostics;
using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Storage;
using Barman.Core.Wal.Format;

namespace Barman.Core.Wal.Verify;

/// <summary>verify-wal's options: <see cref="FromLast"/> starts where the last proven run ended.</summary>
internal sealed record VerifyWalOptions(bool FromLast);

/// <summary>
/// <c>barman verify-wal SERVER</c> (ours): proves the whole archive of a server through its storage, whatever
/// it is (listing and reads only, decompressing as needed): continuity per timeline, every page header, every
/// record's CRC-32C and prev-link (<see cref="WalArchiveVerifier"/>), and xlog.db against the archive both
/// ways. The run fails (exit 1) unless everything is proven; its short result is kept for <c>check</c>.
/// </summary>
internal static class VerifyWal
{
    public static async Task RunAsync(ServerConfig server, IOutput output, VerifyWalOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        IArchiveStorage storage;
        ArchiveListing listing;
        IReadOnlyList<XlogDbEntry> entries;
        try
        {
            storage = ArchiveStorage.For(server);
            // one consistent view: archive-wal publishes files and appends xlog.db under this lock
            using var xlogdb = await XlogDb.LockAsync(server, cancellationToken);
            listing = await ArchiveListing.ReadAsync(storage, cancellationToken);
            entries = xlogdb.ReadEntries();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the archive cannot be listed (its store unreachable, a directory unreadable): nothing was verified
            BarmanLog.For("barman.wal").Error(e, "verify-wal {Server:l}: cannot list the archive", server.Name);
            output.Error($"verify-wal: cannot list the WAL archive of server {server.Name}: {FileErrors.Describe(e)}");
            return;
        }
        var source = listing.Source(storage);
        var expect = await ExpectationsAsync(server, source, cancellationToken);
        var last = VerifyWalState.TryRead(server);
        var resume = options.FromLast ? last?.ResumePoint(expect.SegmentSize) : null;
        if (options.FromLast && resume is null)
            output.Info("No proven verify-wal run to resume from: verifying the whole archive");

        var verification = await new WalArchiveVerifier(WalVerifyOptions.For(expect) with { ResumeAt = resume }).VerifyAsync(source, cancellationToken);
        var extra = listing.Problems.Concat(XlogDbAgreement.Compare(entries, listing.Files)).ToList();
        var report = new VerifyWalReport(
            verification,
            verification.Problems.Concat(extra).ToList(),
            verification.ProblemCount + extra.Count,
            resume is not null ? last!.ProvenEnd : null,
            clock.Elapsed);

        var newest = verification.Timelines.Count > 0 ? verification.Timelines[^1].LastFile : null;
        new VerifyWalState(
            DateTime.UtcNow,
            report.IsProven,
            verification.FileCount,
            report.ProblemCount,
            report.Problems.FirstOrDefault()?.ToString(),
            report.ResumedFrom,
            report.IsProven && newest is not null ? newest : last?.ProvenEnd).Write(server);

        output.ResultReport(server.Name, report.Lines(), report.Document());
        if (!report.IsProven)
        {
            BarmanLog.For("barman.wal").Error("verify-wal {Server:l}: {Problems} problems, first: {First:l}", server.Name, report.ProblemCount, report.Problems[0].ToString());
            output.Error($"verify-wal: the WAL archive of server {server.Name} is not proven ({report.ProblemCount} problems)");
        }
    }

    /// <summary>
    /// The server's system identifier (identity.json, as <c>check</c> knows it; learned from the WAL when there is
    /// none), and the segment and block sizes of its WAL, from the long header of its newest segment (its oldest if
    /// that one has none): the archive's names only mean something with the right segment size.
    /// </summary>
    private static async Task<WalExpectations> ExpectationsAsync(ServerConfig server, WalReadSource source, CancellationToken cancellationToken)
    {
        var systemIdentifier = ServerIdentity.Read(server)?.SystemIdentifier;
        var segments = source.Names.Where(n => WalFileName.Classify(n) is WalFileKind.Segment or WalFileKind.Partial).Order(StringComparer.Ordinal).ToList();
        foreach (var name in segments.Count == 0 ? [] : new[] { segments[^1], segments[0] })
        {
            if (await ReadHeaderAsync(source, name, cancellationToken) is { IsLong: true } header
                && Lsn.IsValidSegmentSize(header.SegmentSize)
                && new WalExpectations(header.SegmentSize, BlockSize: (int)Math.Min(header.BlockSize, int.MaxValue)) is var sized
                && IsValidBlockSize(sized.BlockSize))
                return sized with { SystemIdentifier = systemIdentifier };
        }
        return new WalExpectations(SystemIdentifier: systemIdentifier);
    }

    private static bool IsValidBlockSize(int size) => size is >= 1024 and <= 65536 && (size & (size - 1)) == 0;

    private static async Task<WalPageHeader?> ReadHeaderAsync(WalReadSource source, string name, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await source.Open(name, cancellationToken);
            var bytes = new byte[XLog.LongPageHeaderSize];
            return await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken) == bytes.Length ? WalPageHeader.Read(bytes) : null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null; // the walk reports it
        }
    }
}
