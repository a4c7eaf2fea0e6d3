namespace Barman.Core.Wal.Format;

/// <summary>What one segment of a chain gave: its scan, its problems (stitch and stop), the chain's state after it.</summary>
/// <param name="RecordCount">records proven: those inside the segment, and the one it completed across its start.</param>
internal sealed record ChainStep(SegmentScan Scan, IReadOnlyList<WalProblem> Problems, ChainBoundary After, long RecordCount);

/// <summary>
/// Verifies a chain of segment files: walked in parallel by <see cref="SegmentScanner"/>, stitched in order by
/// <see cref="ChainStitcher"/>, each step handed to the caller as soon as it is stitched (nothing is kept).
/// </summary>
internal sealed class SegmentChain(SegmentScanner scanner)
{
    /// <summary>Verifies <paramref name="files"/> in order from <paramref name="start"/>; returns the state after the last.</summary>
    public async Task<ChainBoundary> VerifyAsync(
        IEnumerable<WalSegmentFile> files,
        ChainBoundary start,
        Action<ChainStep> onStep,
        CancellationToken cancellationToken)
    {
        var boundary = start;
        await foreach (var scan in scanner.ScanAsync(files, cancellationToken))
        {
            var problems = new List<WalProblem>();
            boundary = ChainStitcher.Stitch(boundary, scan, problems, out var completedAcross);
            onStep(new ChainStep(scan, problems, boundary, scan.RecordCount + (completedAcross ? 1 : 0)));
        }
        return boundary;
    }
}
