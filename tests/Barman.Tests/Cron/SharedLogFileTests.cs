using Barman.Core.Logging;
using Barman.Tests.Infrastructure;
using Serilog;

namespace Barman.Tests.Cron;

/// <summary>cron and its children log to the same file at the same moment: no line may be lost.</summary>
public sealed class SharedLogFileTests
{
    [Fact]
    public void Two_writers_on_one_log_file_append_and_never_overwrite_each_other()
    {
        using var dir = new TempDir();
        var file = dir.Combine("barman.log");
        // Two sinks = two descriptors, as two processes would have.
        using var first = new WatchedFileSink(file, new BarmanLogFormatter());
        using var second = new WatchedFileSink(file, new BarmanLogFormatter());
        using var a = new LoggerConfiguration().WriteTo.Sink(first).CreateLogger();
        using var b = new LoggerConfiguration().WriteTo.Sink(second).CreateLogger();
        for (var i = 0; i < 50; i++)
        {
            a.Information("line a{I}", i);
            b.Information("line b{I}", i);
        }
        var lines = File.ReadAllLines(file);
        Assert.Equal(100, lines.Length);
        for (var i = 0; i < 50; i++)
        {
            Assert.EndsWith($"INFO: line a{i}", lines[2 * i]);
            Assert.EndsWith($"INFO: line b{i}", lines[(2 * i) + 1]);
        }
    }
}
