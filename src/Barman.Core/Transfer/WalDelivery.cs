using System.Buffers;
using Barman.Core.Compression;

namespace Barman.Core.Transfer;

/// <summary>A WAL file that could not be read back: a damaged compressed file, or a read error of the storage.</summary>
internal sealed class WalReadException(string message, Exception inner) : IOException(message, inner);

/// <summary>
/// Turns the stored bytes of a WAL file into what get-wal sends: the original bytes (decompressed by
/// magic: gzip, bzip2, lz4, zstd or plain), recompressed for <c>-z</c>/<c>-j</c> unless already in that
/// format (Barman sends such a file as stored), or the stored bytes for <c>--keep-compression</c>.
/// </summary>
internal static class WalDelivery
{
    private const int BufferSize = 1 << 20;

    /// <summary>Copies <paramref name="stored"/> (seekable, owned by the caller) into <paramref name="destination"/> in the requested form.</summary>
    /// <exception cref="WalReadException">the stored file cannot be read or decompressed.</exception>
    public static async Task SendAsync(Stream stored, OutputCompression form, Stream destination, CancellationToken cancellationToken)
    {
        var format = Identify(stored);
        var target = form switch
        {
            OutputCompression.Gzip => CompressionFormat.Gzip,
            OutputCompression.Bzip2 => CompressionFormat.Bzip2,
            _ => (CompressionFormat?)null,
        };
        if (form == OutputCompression.Keep || (target is not null && target == format) || (form == OutputCompression.None && format is null))
        {
            await CopyAsync(stored, destination, format, cancellationToken);
            return;
        }
        await using var source = format is null ? null : Decompress(stored, format.Value);
        if (target is null)
        {
            await CopyAsync(source!, destination, format, cancellationToken);
            return;
        }
        await using (var compressor = Compressors.For(target.Value).Compress(destination))
            await CopyAsync(source ?? stored, compressor, format, cancellationToken);
    }

    private static CompressionFormat? Identify(Stream stored)
    {
        Span<byte> header = stackalloc byte[Compressors.MagicLength];
        int read;
        try
        {
            read = stored.ReadAtLeast(header, Compressors.MagicLength, throwOnEndOfStream: false);
            stored.Position = 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Damaged(e, null);
        }
        return Compressors.Identify(header[..read]);
    }

    /// <summary>The decompressing view (some decoders read their header at once: a damaged one fails here).</summary>
    private static Stream Decompress(Stream stored, CompressionFormat format)
    {
        try
        {
            return Compressors.For(format).Decompress(stored);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Damaged(e, format);
        }
    }

    /// <summary>Copies, telling a failure to read (a damaged file) from a failure to write (the destination's own error).</summary>
    private static async Task CopyAsync(Stream source, Stream destination, CompressionFormat? format, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await ReadAsync(source, buffer, format, cancellationToken);
                if (read == 0)
                    break;
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<int> ReadAsync(Stream source, byte[] buffer, CompressionFormat? format, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Damaged(e, format);
        }
    }

    private static WalReadException Damaged(Exception e, CompressionFormat? format) =>
        new(format is null ? e.Message : $"cannot decompress {format.Value.ToString().ToLowerInvariant()} data: {e.Message}", e);
}
