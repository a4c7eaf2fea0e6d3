namespace Barman.Core.Wal.Format;

/// <summary>Reads one segment file from a stream (decompressed as needed) through a <see cref="SegmentWalker"/>.</summary>
internal static class SegmentReader
{
    /// <summary>
    /// Walks <paramref name="stream"/>, read into <paramref name="buffer"/> (a multiple of the block size). After an
    /// XLOG_SWITCH the pages are not walked, but the file is read to its end (or its length taken, when the stream
    /// can seek) so that its size is known.
    /// </summary>
    public static async Task<SegmentScan> ScanAsync(Stream stream, WalSegmentFile file, WalExpectations expect, byte[] buffer, CancellationToken cancellationToken)
    {
        var walker = new SegmentWalker(file, expect);
        var blockSize = expect.BlockSize;
        if (buffer.Length % blockSize != 0)
            throw new ArgumentException($"the buffer must be a multiple of {blockSize} bytes", nameof(buffer));
        long length = 0;
        try
        {
            while (true)
            {
                if (walker.EndedBySwitch && stream.CanSeek)
                    return walker.Finish(stream.Length);
                var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
                if (!walker.EndedBySwitch)
                {
                    var pages = (int)Math.Min(read / blockSize, Math.Max(0, (file.SegmentSize - length) / blockSize));
                    for (var i = 0; i < pages; i++)
                        walker.Feed(buffer.AsSpan(i * blockSize, blockSize));
                }
                length += read;
                if (read < buffer.Length)
                    return walker.Finish(length);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return walker.Abort(length, $"cannot read the file: {e.Message}");
        }
    }
}
