using System.Buffers;

namespace Barman.Core.Storage.ObjectStore;

/// <summary>
/// One part of an upload held in memory: a pooled array filled from a stream that cannot be sent
/// as it is (not seekable). The only buffer an upload holds, so an upload's memory is its size.
/// </summary>
internal sealed class PartBuffer(int capacity) : IDisposable
{
    private byte[]? _array = ArrayPool<byte>.Shared.Rent(capacity);

    public int Capacity { get; } = capacity;

    /// <summary>Bytes held since the last <see cref="FillAsync"/>.</summary>
    public int Length { get; private set; }

    /// <summary>Replaces the content with the next bytes of <paramref name="source"/>, up to <see cref="Capacity"/>; fewer only at its end.</summary>
    public async Task<int> FillAsync(Stream source, CancellationToken ct)
    {
        var array = _array ?? throw new ObjectDisposedException(nameof(PartBuffer));
        Length = 0;
        while (Length < Capacity)
        {
            var read = await source.ReadAsync(array.AsMemory(Length, Capacity - Length), ct).ConfigureAwait(false);
            if (read == 0)
                break;
            Length += read;
        }
        return Length;
    }

    /// <summary>A read-only view of the content (valid until the next fill).</summary>
    public MemoryStream AsStream() =>
        new(_array ?? throw new ObjectDisposedException(nameof(PartBuffer)), 0, Length, writable: false, publiclyVisible: true);

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
