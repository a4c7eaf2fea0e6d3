using Barman.Core.Compression;
using Barman.Core.Os;
using Barman.Core.Storage;

namespace Barman.Core.Wal;

/// <summary>
/// The parallel half of archiving a chunk, before any lock: decides what happens to each file
/// (a duplicate is compared byte for byte with the archived one) and stages it in the storage,
/// compressed when it must be. Nothing here is visible in the archive yet.
/// </summary>
internal sealed class ArchivePreparation(IArchiveStorage storage, WalSourceKind kind, ICompressor? compressor, ArchiveValidation validation)
{
    private const int CopyBufferSize = 1 << 20;

    /// <summary>Decides what to do with one file and stages it. Runs in parallel; failures are recorded on the item.</summary>
    public async ValueTask PrepareAsync(ArchiveItem item, CancellationToken cancellationToken)
    {
        try
        {
            // Incoming files may arrive compressed (Barman reads their magic); streaming files never are.
            CompressionFormat? sourceFormat = kind == WalSourceKind.Incoming ? Compressors.Identify(item.Source.Path) : null;
            if (await validation.RefusalAsync(item.Source.Path, item.Source.Name, cancellationToken) is { } refusal)
            {
                item.Outcome = ArchiveOutcome.Corrupt;
                item.Refusal = refusal;
                return;
            }
            if (await storage.StatAsync(item.Key, cancellationToken) is not null)
            {
                item.Outcome = await SameContentAsync(item, sourceFormat, cancellationToken)
                    ? ArchiveOutcome.MatchingDuplicate
                    : ArchiveOutcome.Duplicate;
                return;
            }
            item.Outcome = ArchiveOutcome.Archive;
            if (compressor is not null && sourceFormat is null)
            {
                item.Size = await CompressAsync(item, compressor, cancellationToken);
                item.Copied = true;
                item.Compression = compressor.Name;
            }
            else
            {
                await storage.StageSourceAsync(item.Key, item.Source.Path, cancellationToken);
                item.Size = item.Source.Status.Size;
                item.Compression = sourceFormat is null ? null : Compressors.For(sourceFormat.Value).Name;
            }
            CrashPoint.Hit("prepared");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            item.Outcome = ArchiveOutcome.Failed;
            item.Error = e;
        }
    }

    /// <summary>Stages the source compressed, with the source's times; returns the compressed size.</summary>
    private async Task<long> CompressAsync(ArchiveItem item, ICompressor compressor, CancellationToken cancellationToken)
    {
        await using var source = DurableFile.OpenSequential(item.Source.Path);
        return await storage.StageAsync(item.Key, item.Source.Status, async (target, ct) =>
        {
            await using var compressed = compressor.Compress(target);
            await source.CopyToAsync(compressed, CopyBufferSize, ct);
        }, cancellationToken);
    }

    /// <summary>Byte-for-byte comparison of the uncompressed contents (never a size+mtime shortcut).</summary>
    private async Task<bool> SameContentAsync(ArchiveItem item, CompressionFormat? sourceFormat, CancellationToken cancellationToken)
    {
        await using var left = Compressors.OpenDecompressed(await storage.OpenReadAsync(item.Key, cancellationToken));
        await using var right = sourceFormat is null
            ? new FileStream(item.Source.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1)
            : Compressors.OpenDecompressed(item.Source.Path);
        return await StreamComparison.EqualAsync(left, right, cancellationToken);
    }
}
