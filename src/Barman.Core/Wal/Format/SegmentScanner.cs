using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Barman.Core.Wal.Format;

/// <summary>
/// Walks segment files in parallel and hands their scans back in order. Memory is bounded whatever the archive:
/// one read buffer per worker and at most <c>2 × parallelism</c> scans (small records) waiting to be stitched.
/// </summary>
internal sealed class SegmentScanner(WalReadSource source, WalExpectations expect, int parallelism, int bufferSize = SegmentScanner.DefaultBufferSize)
{
    public const int DefaultBufferSize = 1 << 20;

    private readonly int _parallelism = Math.Max(1, parallelism);
    private readonly int _bufferSize = Math.Max(expect.BlockSize, bufferSize / expect.BlockSize * expect.BlockSize);

    public async IAsyncEnumerable<SegmentScan> ScanAsync(IEnumerable<WalSegmentFile> files, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var workers = new SemaphoreSlim(_parallelism);
        var buffers = new ConcurrentBag<byte[]>();
        var window = new Queue<Task<SegmentScan>>();
        try
        {
            foreach (var file in files)
            {
                if (window.Count >= 2 * _parallelism)
                    yield return await window.Dequeue();
                window.Enqueue(ScanOneAsync(file, workers, buffers, cancellationToken));
            }
            while (window.Count > 0)
                yield return await window.Dequeue();
        }
        finally
        {
            // an abandoned enumeration still waits for its workers: no read outlives the caller's streams
            while (window.Count > 0)
            {
                try
                {
                    await window.Dequeue();
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private async Task<SegmentScan> ScanOneAsync(WalSegmentFile file, SemaphoreSlim workers, ConcurrentBag<byte[]> buffers, CancellationToken cancellationToken)
    {
        await workers.WaitAsync(cancellationToken);
        try
        {
            await Task.Yield();
            if (!buffers.TryTake(out var buffer))
                buffer = new byte[_bufferSize];
            try
            {
                Stream stream;
                try
                {
                    stream = await source.Open(file.Name, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return new SegmentWalker(file, expect).Abort(0, $"cannot open the file: {e.Message}");
                }
                await using (stream)
                    return await SegmentReader.ScanAsync(stream, file, expect, buffer, cancellationToken);
            }
            finally
            {
                buffers.Add(buffer);
            }
        }
        finally
        {
            workers.Release();
        }
    }
}
