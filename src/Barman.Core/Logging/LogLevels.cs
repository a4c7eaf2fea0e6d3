using Serilog.Events;

namespace Barman.Core.Logging;

/// <summary>
/// Python's logging level names: what <c>log_level</c> and <c>--log-level</c> accept, and what a log
/// line shows. <c>NOTSET</c> logs everything, as on Python's root logger.
/// </summary>
internal static class LogLevels
{
    private static readonly (string Name, LogEventLevel Level)[] Levels =
    [
        ("NOTSET", LogEventLevel.Verbose),
        ("DEBUG", LogEventLevel.Debug),
        ("INFO", LogEventLevel.Information),
        ("WARNING", LogEventLevel.Warning),
        ("ERROR", LogEventLevel.Error),
        ("CRITICAL", LogEventLevel.Fatal),
    ];

    // Python's logging also knows these spellings (logging.getLevelName); --log-level offers only the names above.
    private static readonly (string Name, LogEventLevel Level)[] Aliases =
    [
        ("WARN", LogEventLevel.Warning),
        ("FATAL", LogEventLevel.Fatal),
    ];

    /// <summary>The level names, lowest first.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Levels.Select(l => l.Name)];

    /// <summary>A level name in any case (aliases included); null when unknown.</summary>
    public static LogEventLevel? Parse(string? name)
    {
        var upper = name?.Trim().ToUpperInvariant();
        foreach (var (known, level) in Levels.Concat(Aliases))
        {
            if (known == upper)
                return level;
        }
        return null;
    }

    /// <summary>The name a log line shows: Python never emits NOTSET records, so the lowest level shows as DEBUG.</summary>
    public static string Name(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "DEBUG",
        LogEventLevel.Information => "INFO",
        LogEventLevel.Warning => "WARNING",
        LogEventLevel.Error => "ERROR",
        _ => "CRITICAL",
    };
}
