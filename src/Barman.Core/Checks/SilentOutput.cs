using Barman.Core.Output;
using Serilog.Events;

namespace Barman.Core.Checks;

/// <summary>
/// A writer that only logs: what <c>check</c> does on the side (archiving, a WAL switch on an empty
/// archive) must not add lines to its console, JSON or Nagios output nor change its exit code.
/// </summary>
internal sealed class SilentOutput() : OutputWriterBase(new OutputOptions(Quiet: true, Debug: false, Color: false))
{
    protected override void Write(LogEventLevel level, string message, bool isException)
    {
    }

    public override void InitCheck(string server, bool active, bool disabled)
    {
    }

    public override void ResultCheck(string server, string check, bool ok, string? hint = null)
    {
    }

    public override void ResultListServer(string name, string? description, string suffix)
    {
    }

    public override void InitStatus(string server)
    {
    }

    public override void ResultStatus(string server, string key, string label, string value)
    {
    }

    public override void ResultShowServer(string server, IReadOnlyList<KeyValuePair<string, string>> values)
    {
    }

    public override IOutput ForLogger(string loggerName) => this;
}
