using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Barman.Core.Logging;

/// <summary>A log sink writing Barman-formatted lines to a TextWriter (stderr fallback).</summary>
internal sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
