using Barman.Core.Wal.Format;

namespace Barman.Tests.Wal.Format;

public sealed class TimelineHistoryTests
{
    [Fact]
    public void Parses_what_postgresql_writes()
    {
        var history = TimelineHistory.Parse("1\t0/3000158\tno recovery target specified\n\n# comment\n2\t0/5000000\tat restore point \"x\"\n", 3);

        Assert.Equal(3u, history.Timeline);
        Assert.Equal(2u, history.Parent);
        Assert.Equal(0x5000000UL, history.SwitchPoint);
        Assert.Equal([new TimelineSwitch(1, 0x3000158, "no recovery target specified"), new TimelineSwitch(2, 0x5000000, "at restore point \"x\"")], history.Ancestors);
    }

    [Fact]
    public void Knows_which_timeline_holds_an_lsn()
    {
        var history = TimelineHistory.Parse("1\t0/3000158\tr\n2\t0/5000000\tr\n", 3);

        Assert.Equal(1u, history.TimelineOf(0x3000157));
        Assert.Equal(2u, history.TimelineOf(0x3000158));
        Assert.Equal(2u, history.TimelineOf(0x4FFFFFF));
        Assert.Equal(3u, history.TimelineOf(0x5000000));
    }

    [Theory]
    [InlineData("", "no entry")]
    [InlineData("# only a comment\n", "no entry")]
    [InlineData("x\t0/1\tr\n", "expected a numeric timeline ID")]
    [InlineData("1\n", "expected a write-ahead log switchpoint location")]
    [InlineData("1\t0/G\tr\n", "expected a write-ahead log switchpoint location")]
    [InlineData("2\t0/1\tr\n1\t0/2\tr\n", "increasing sequence")]
    [InlineData("1\t0/5\tr\n2\t0/4\tr\n", "before the previous one")]
    [InlineData("3\t0/5\tr\n", "not less than the file's timeline")]
    [InlineData("0\t0/5\tr\n", "timeline 0")]
    public void Refuses_a_malformed_file(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => TimelineHistory.Parse(text, 3));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
