using Barman.Core.Output;
using Barman.Core.Wal;

namespace Barman.Core.Transfer;

/// <summary>
/// <c>get-wal --peek N</c>: the names of up to N files present from WAL_NAME on, one a line (what
/// barman-wal-restore's <c>-p</c> prefetches). Barman's rules (<c>Server.get_wal</c>): the segment size
/// is unknown, so after a missing segment whose number is a power of two the next log id is tried
/// from segment 0 (the end of a log with segments of that size); any other gap ends the list. A name
/// that is not a segment (history, backup label, partial) lists only itself. Partial files are never peeked.
/// </summary>
internal static class WalPeek
{
    /// <summary>Barman's generator without a segment size: every name up to segment 0x7FFFF, then the next log.</summary>
    private const uint LastSegmentOfAnySize = 0x7FFFF;

    public static async Task ListAsync(WalLocator locator, string wal, int count, IOutput output, CancellationToken cancellationToken)
    {
        var listed = 0;
        var current = wal;
        while (listed < count)
        {
            if (await ExistsAsync(locator, current, cancellationToken))
            {
                output.Info(current, log: false);
                listed++;
                if (WalFileName.Decode(current) is not { } segment || !WalFileName.IsWalFile(current))
                    return;
                current = (segment.Segment < LastSegmentOfAnySize ? segment with { Segment = segment.Segment + 1 } : new SegmentName(segment.Timeline, segment.Log + 1, 0)).ToString();
                continue;
            }
            if (!WalFileName.IsWalFile(current) || WalFileName.Decode(current) is not { } missing || !uint.IsPow2(missing.Segment))
                return;
            current = new SegmentName(missing.Timeline, missing.Log + 1, 0).ToString();
        }
    }

    private static async Task<bool> ExistsAsync(WalLocator locator, string name, CancellationToken cancellationToken)
    {
        foreach (var location in locator.SearchOrder(name, partial: false).Distinct())
        {
            if (await locator.ExistsAsync(location, cancellationToken))
                return true;
        }
        return false;
    }
}
