using Serilog;
using Serilog.Core;

namespace Barman.Core.Logging;

/// <summary>
/// The logger of the current barman run. It flows with the async context so that several runs
/// in one process (the in-process test harness) never share a log file.
/// </summary>
internal static class BarmanLog
{
    private static readonly AsyncLocal<ILogger?> CurrentLogger = new();

    /// <summary>Property carrying Barman's logger name (<c>barman.server</c>, <c>barman.wal_archiver</c>...).</summary>
    public const string NameProperty = "SourceContext";

    public static ILogger Current
    {
        get => CurrentLogger.Value ?? Logger.None;
        set => CurrentLogger.Value = value;
    }

    /// <summary>A logger whose lines read <c>... [pid] &lt;name&gt; LEVEL: ...</c>.</summary>
    public static ILogger For(string name) => Current.ForContext(NameProperty, name);
}
