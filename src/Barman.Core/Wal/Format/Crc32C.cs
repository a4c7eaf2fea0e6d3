using System.Numerics;
using System.Runtime.InteropServices;

namespace Barman.Core.Wal.Format;

/// <summary>
/// CRC-32C as PostgreSQL computes it (INIT_CRC32C / COMP_CRC32C / FIN_CRC32C), on the SSE4.2 instruction that
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> compiles to, plus <see cref="Shift"/> so that the CRC of bytes
/// read by different workers can be joined without the bytes (zlib's crc32_combine).
/// </summary>
internal static class Crc32C
{
    /// <summary>INIT_CRC32C.</summary>
    public const uint Initial = 0xFFFFFFFF;

    /// <summary>The reflected Castagnoli polynomial.</summary>
    private const uint Polynomial = 0x82F63B78;

    /// <summary>x^(2^k) mod P for k = 0..63.</summary>
    private static readonly uint[] PowersOfX = BuildPowers();

    /// <summary>COMP_CRC32C: the raw register after <paramref name="data"/>, 8 bytes per instruction.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
            crc = BitOperations.Crc32C(crc, word);
        var tail = data[(words.Length * sizeof(ulong))..];
        if (tail.Length >= sizeof(uint))
        {
            crc = BitOperations.Crc32C(crc, MemoryMarshal.Read<uint>(tail));
            tail = tail[sizeof(uint)..];
        }
        if (tail.Length >= sizeof(ushort))
        {
            crc = BitOperations.Crc32C(crc, MemoryMarshal.Read<ushort>(tail));
            tail = tail[sizeof(ushort)..];
        }
        if (tail.Length > 0)
            crc = BitOperations.Crc32C(crc, tail[0]);
        return crc;
    }

    /// <summary>FIN_CRC32C.</summary>
    public static uint Finish(uint crc) => ~crc;

    /// <summary>
    /// The register after <paramref name="length"/> zero bytes (crc · x^(8·length) mod P), so that
    /// <c>Update(s, A ++ B) == Shift(Update(s, A), |B|) ^ Update(0, B)</c>.
    /// </summary>
    public static uint Shift(uint crc, ulong length)
    {
        if (crc == 0 || length == 0)
            return crc;
        var power = 1u << 31; // x^0
        for (var k = 3; length != 0; length >>= 1, k++)
        {
            if ((length & 1) != 0)
                power = Multiply(PowersOfX[k & 63], power);
        }
        return Multiply(power, crc);
    }

    /// <summary>a · b mod P in the reflected representation (a != 0).</summary>
    private static uint Multiply(uint a, uint b)
    {
        var m = 1u << 31;
        var product = 0u;
        while (true)
        {
            if ((a & m) != 0)
            {
                product ^= b;
                if ((a & (m - 1)) == 0)
                    return product;
            }
            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }
    }

    private static uint[] BuildPowers()
    {
        var powers = new uint[64];
        var p = 1u << 30; // x^1
        powers[0] = p;
        for (var k = 1; k < powers.Length; k++)
            powers[k] = p = Multiply(p, p);
        return powers;
    }
}
