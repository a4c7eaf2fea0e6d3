using Serilog.Events;

namespace Barman.Core.Configuration;

/// <summary>A line loading wants in the log (not on the console); logged once the logger exists.</summary>
internal sealed record ConfigLogMessage(LogEventLevel Level, string Message);
