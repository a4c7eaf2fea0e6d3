using System.Text.RegularExpressions;
using Barman.Core.Logging;
using Barman.Tests.Infrastructure;
using Serilog;

namespace Barman.Tests.Foundation;

public sealed class LoggingTests
{
    [Fact]
    public void Lines_use_barmans_format_and_are_redacted()
    {
        using var dir = new TempDir();
        var file = dir.Combine("log", "barman.log");
        using (var sink = new WatchedFileSink(file, new BarmanLogFormatter()))
        using (var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger())
        {
            logger.ForContext(BarmanLog.NameProperty, "barman.server").Information("Starting receive-wal for server {S:l} password=x1", "pg");
        }
        var line = File.ReadAllText(file);
        Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[\d+\] barman\.server INFO: Starting receive-wal for server pg password=\*REDACTED\*\n$"), line);
    }

    [Fact]
    public void Sink_reopens_the_file_after_logrotate_moved_it()
    {
        using var dir = new TempDir();
        var file = dir.Combine("barman.log");
        using var sink = new WatchedFileSink(file, new BarmanLogFormatter());
        using var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        logger.Information("before");
        File.Move(file, file + ".1");
        logger.Information("after");
        Assert.Contains("before", File.ReadAllText(file + ".1"));
        Assert.DoesNotContain("after", File.ReadAllText(file + ".1"));
        Assert.Contains("after", File.ReadAllText(file));
    }

    [Fact]
    public void Log_file_is_created_0640_also_after_logrotate_removed_it()
    {
        using var dir = new TempDir();
        var file = dir.Combine("barman.log");
        const UnixFileMode Mode0640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        using var sink = new WatchedFileSink(file, new BarmanLogFormatter());
        using var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        logger.Information("first");
        Assert.Equal(Mode0640, File.GetUnixFileMode(file));
        File.Move(file, file + ".1");
        logger.Information("second");
        Assert.Equal(Mode0640, File.GetUnixFileMode(file));
    }

    [Theory]
    [InlineData("debug", Serilog.Events.LogEventLevel.Debug)]
    [InlineData("INFO", Serilog.Events.LogEventLevel.Information)]
    [InlineData("Warning", Serilog.Events.LogEventLevel.Warning)]
    [InlineData("CRITICAL", Serilog.Events.LogEventLevel.Fatal)]
    [InlineData("notset", Serilog.Events.LogEventLevel.Verbose)]
    [InlineData("WARN", Serilog.Events.LogEventLevel.Warning)]
    [InlineData("FATAL", Serilog.Events.LogEventLevel.Fatal)]
    public void Python_level_names_parse(string name, Serilog.Events.LogEventLevel level) =>
        Assert.Equal(level, LogLevels.Parse(name));

    [Fact]
    public void Unknown_level_is_null() => Assert.Null(LogLevels.Parse("LOUD"));

    [Fact]
    public void Every_level_name_parses() =>
        Assert.All(LogLevels.Names, name => Assert.NotNull(LogLevels.Parse(name)));
}
