namespace Barman.Core.Os;

/// <summary>Byte-for-byte comparison of two streams (never a size+mtime shortcut).</summary>
internal static class StreamComparison
{
    public static async Task<bool> EqualAsync(Stream left, Stream right, CancellationToken cancellationToken)
    {
        var a = new byte[1 << 16];
        var b = new byte[1 << 16];
        while (true)
        {
            var na = await left.ReadAtLeastAsync(a, a.Length, throwOnEndOfStream: false, cancellationToken);
            var nb = await right.ReadAtLeastAsync(b, b.Length, throwOnEndOfStream: false, cancellationToken);
            if (na != nb || !a.AsSpan(0, na).SequenceEqual(b.AsSpan(0, nb)))
                return false;
            if (na < a.Length)
                return true;
        }
    }
}
