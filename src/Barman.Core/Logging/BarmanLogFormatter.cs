using System.Globalization;
using Barman.Core.Text;
using Serilog.Events;
using Serilog.Formatting;

namespace Barman.Core.Logging;

/// <summary>
/// Barman's <c>%(asctime)s [%(process)s] %(name)s %(levelname)s: %(message)s</c>, e.g.
/// <c>2026-11-24 05:33:08,162 [10050] barman.server INFO: Starting receive-wal for server pg</c>.
/// Every line is redacted; exceptions (with stack traces) follow the line, as Python's logging does.
/// </summary>
internal sealed class BarmanLogFormatter : ITextFormatter
{
    private static readonly int Pid = Environment.ProcessId;

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var name = logEvent.Properties.TryGetValue(BarmanLog.NameProperty, out var v) && v is ScalarValue { Value: string s }
            ? s
            : "barman";
        output.Write(logEvent.Timestamp.LocalDateTime.ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture));
        output.Write(" [");
        output.Write(Pid.ToString(CultureInfo.InvariantCulture));
        output.Write("] ");
        output.Write(name);
        output.Write(' ');
        output.Write(LogLevels.Name(logEvent.Level));
        output.Write(": ");
        output.Write(Redactor.Redact(logEvent.RenderMessage(CultureInfo.InvariantCulture)));
        output.Write('\n');
        if (logEvent.Exception is not null)
        {
            output.Write(Redactor.Redact(logEvent.Exception.ToString()));
            output.Write('\n');
        }
    }
}
