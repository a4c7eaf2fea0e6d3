using System.Text;
using Barman.Core.Wal.Format;

namespace Barman.Tests.Wal.Format;

public sealed class Crc32CTests
{
    [Fact]
    public void Computes_the_castagnoli_check_value()
    {
        // the standard check value of CRC-32C ("123456789"), as PostgreSQL's INIT/COMP/FIN compute it
        var crc = Crc32C.Finish(Crc32C.Update(Crc32C.Initial, Encoding.ASCII.GetBytes("123456789")));

        Assert.Equal(0xE3069283u, crc);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(8192)]
    [InlineData(100_003)]
    public void Shift_joins_the_registers_of_two_parts_read_apart(int secondLength)
    {
        var random = new Random(secondLength);
        var first = new byte[1000 + secondLength % 17];
        var second = new byte[secondLength];
        random.NextBytes(first);
        random.NextBytes(second);

        var whole = Crc32C.Update(Crc32C.Initial, [.. first, .. second]);
        var joined = Crc32C.Shift(Crc32C.Update(Crc32C.Initial, first), (ulong)second.Length) ^ Crc32C.Update(0, second);

        Assert.Equal(whole, joined);
    }

    [Theory]
    [InlineData(1535, 0)]
    [InlineData(1536, 0)]
    [InlineData(1537, 3)]
    [InlineData(8150, 5)]
    [InlineData(100_000, 1)]
    public void Long_spans_computed_in_three_lanes_match_one_lane(int length, int offset)
    {
        var data = new byte[length + offset];
        new Random(length).NextBytes(data);
        var oneLane = Crc32C.Initial;
        for (var i = offset; i < data.Length; i += 1000)
            oneLane = Crc32C.Update(oneLane, data.AsSpan(i, Math.Min(1000, data.Length - i)));

        Assert.Equal(oneLane, Crc32C.Update(Crc32C.Initial, data.AsSpan(offset)));
    }

    [Fact]
    public void Every_tail_length_is_included()
    {
        var data = Encoding.ASCII.GetBytes("123456789abcdefghijklmn");
        for (var length = 0; length <= data.Length; length++)
        {
            var byByte = Crc32C.Initial;
            foreach (var b in data.AsSpan(0, length))
                byByte = Crc32C.Update(byByte, [b]);

            Assert.Equal(byByte, Crc32C.Update(Crc32C.Initial, data.AsSpan(0, length)));
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(23, 1)]
    [InlineData(383, 0)]
    [InlineData(384, 5)]
    [InlineData(1200, 2)]
    [InlineData(1536, 0)]
    [InlineData(4607, 7)]
    [InlineData(100_000, 3)]
    public void The_portable_path_matches_the_hardware_one(int length, int offset)
    {
        var data = new byte[length + offset];
        new Random(length).NextBytes(data);

        Assert.Equal(Crc32C.UpdatePortable(Crc32C.Initial, data.AsSpan(offset)), Crc32C.Update(Crc32C.Initial, data.AsSpan(offset)));
    }
}
