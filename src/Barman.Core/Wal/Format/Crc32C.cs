using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>Bytes per lane of the three-lane loop: long spans (full-page images) run three CRCs at once.</summary>
    private const int Lane = 512;

    /// <summary>x^(2^k) mod P for k = 0..63.</summary>
    private static readonly uint[] PowersOfX = BuildPowers();

    /// <summary>Tables of the shift by one lane and by two lanes (4 × 256 entries each: one per byte of the register).</summary>
    private static readonly uint[] ShiftOneLane = BuildShiftTable(Lane);
    private static readonly uint[] ShiftTwoLanes = BuildShiftTable(2 * Lane);

    /// <summary>COMP_CRC32C: the raw register after <paramref name="data"/>, 8 bytes per instruction.</summary>
    /// <remarks>
    /// One hardware check per call, not per word: NativeAOT's baseline does not include SSE4.2, so
    /// <see cref="BitOperations.Crc32C(uint, ulong)"/> tests the CPU's features on every word it is given, which
    /// cost more than the instruction itself (measured: a quarter of verify-wal's CPU time went away).
    /// </remarks>
    public static uint Update(uint crc, ReadOnlySpan<byte> data) =>
        Sse42.X64.IsSupported ? UpdateSse42(crc, data) : UpdatePortable(crc, data);

    /// <summary><see cref="Update"/> on any CPU (ARMv8's CRC instructions, or a table where none exists).</summary>
    internal static uint UpdatePortable(uint crc, ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 * Lane)
            crc = UpdateThreeLanesPortable(crc, ref data);
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

    private static uint UpdateSse42(uint crc, ReadOnlySpan<byte> data)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length, offset = 0;
        for (; length - offset >= 3 * Lane; offset += 3 * Lane)
            crc = BlockSse42(crc, ref Unsafe.Add(ref start, offset));
        ulong wide = crc;
        for (; length - offset >= sizeof(ulong); offset += sizeof(ulong))
            wide = Sse42.X64.Crc32(wide, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset)));
        var narrow = (uint)wide;
        if (length - offset >= sizeof(uint))
        {
            narrow = Sse42.Crc32(narrow, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, offset)));
            offset += sizeof(uint);
        }
        if (length - offset >= sizeof(ushort))
        {
            narrow = Sse42.Crc32(narrow, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, offset)));
            offset += sizeof(ushort);
        }
        if (length > offset)
            narrow = Sse42.Crc32(narrow, Unsafe.Add(ref start, offset));
        return narrow;
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

    /// <summary>One block of three lanes from <paramref name="first"/> (see <see cref="UpdateThreeLanesPortable"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BlockSse42(uint crc, ref byte first)
    {
        ref var end = ref Unsafe.Add(ref first, Lane);
        uint crcB = 0, crcC = 0;
        do
        {
            crc = (uint)Sse42.X64.Crc32(crc, Unsafe.ReadUnaligned<ulong>(ref first));
            crcB = (uint)Sse42.X64.Crc32(crcB, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, Lane)));
            crcC = (uint)Sse42.X64.Crc32(crcC, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, 2 * Lane)));
            first = ref Unsafe.Add(ref first, sizeof(ulong));
        }
        while (Unsafe.IsAddressLessThan(ref first, ref end));
        return ShiftBy(ShiftTwoLanes, crc) ^ ShiftBy(ShiftOneLane, crcB) ^ crcC;
    }

    /// <summary>
    /// Blocks of three lanes, each lane's CRC computed at once (the instruction's latency is three times its
    /// throughput), joined by table shifts: Update(s, A ++ B ++ C) = Shift(a, 2 lanes) ^ Shift(b, 1 lane) ^ c.
    /// </summary>
    private static uint UpdateThreeLanesPortable(uint crc, ref ReadOnlySpan<byte> data)
    {
        const int words = Lane / sizeof(ulong);
        while (data.Length >= 3 * Lane)
        {
            ref var a = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetReference(data));
            ref var b = ref Unsafe.Add(ref a, words);
            ref var c = ref Unsafe.Add(ref b, words);
            uint crcA = crc, crcB = 0, crcC = 0;
            for (var i = 0; i < words; i++)
            {
                crcA = BitOperations.Crc32C(crcA, Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ulong, byte>(ref Unsafe.Add(ref a, i))));
                crcB = BitOperations.Crc32C(crcB, Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ulong, byte>(ref Unsafe.Add(ref b, i))));
                crcC = BitOperations.Crc32C(crcC, Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ulong, byte>(ref Unsafe.Add(ref c, i))));
            }
            crc = ShiftBy(ShiftTwoLanes, crcA) ^ ShiftBy(ShiftOneLane, crcB) ^ crcC;
            data = data[(3 * Lane)..];
        }
        return crc;
    }

    private static uint ShiftBy(uint[] table, uint crc) =>
        table[(byte)crc] ^ table[256 + (byte)(crc >> 8)] ^ table[512 + (byte)(crc >> 16)] ^ table[768 + (crc >> 24)];

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

    private static uint[] BuildShiftTable(int length)
    {
        var table = new uint[4 * 256];
        for (var j = 0; j < 4; j++)
        {
            for (var v = 0; v < 256; v++)
                table[256 * j + v] = Shift((uint)v << (8 * j), (ulong)length);
        }
        return table;
    }
}
