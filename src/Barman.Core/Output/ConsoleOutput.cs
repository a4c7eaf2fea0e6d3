using Barman.Core.Text;
using Serilog.Events;

namespace Barman.Core.Output;

/// <summary>
/// Barman's console writer: info on stdout, <c>WARNING:</c>/<c>ERROR:</c>/<c>EXCEPTION:</c> on stderr,
/// <c>DEBUG:</c> only with <c>-d</c>, info hidden by <c>-q</c>.
/// </summary>
internal sealed class ConsoleOutput : OutputWriterBase
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly Dictionary<string, bool> _activeServers;

    public ConsoleOutput(TextWriter stdout, TextWriter stderr, OutputOptions options)
        : base(options)
    {
        _out = stdout;
        _err = stderr;
        _activeServers = new Dictionary<string, bool>(StringComparer.Ordinal);
    }

    private ConsoleOutput(ConsoleOutput parent, string loggerName)
        : base(parent.Options, parent.State, loggerName)
    {
        _out = parent._out;
        _err = parent._err;
        _activeServers = parent._activeServers;
    }

    public override IOutput ForLogger(string loggerName) => new ConsoleOutput(this, loggerName);

    protected override void Write(LogEventLevel level, string message, bool isException)
    {
        switch (level)
        {
            case LogEventLevel.Information:
                if (!Options.Quiet)
                    _out.Write(message + "\n");
                break;
            case LogEventLevel.Warning:
                _err.Write(Paint("WARNING", Yellow) + ": " + message + "\n");
                break;
            case LogEventLevel.Error:
                _err.Write(Paint(isException ? "EXCEPTION" : "ERROR", Red) + ": " + message + "\n");
                break;
            case LogEventLevel.Debug:
                if (Options.Debug)
                    _err.Write("DEBUG: " + message + "\n");
                break;
            default:
                break;
        }
    }

    public override void InitCheck(string server, bool active, bool disabled)
    {
        _activeServers[server] = active;
        var suffix = !active ? " (inactive)" : disabled ? " (WARNING: disabled)" : "";
        WriteInfo($"Server {server}{suffix}:");
    }

    public override void ResultCheck(string server, string check, bool ok, string? hint = null)
    {
        LogCheck(server, check, ok, hint);
        var status = ok ? Paint("OK", Green) : Paint("FAILED", Red);
        var tail = string.IsNullOrEmpty(hint) ? "" : $" ({Redactor.Redact(hint)})";
        WriteInfo($"\t{check}: {status}{tail}");
        if (!ok && (!_activeServers.TryGetValue(server, out var active) || active))
            SetError();
    }

    public override void ResultListServer(string name, string? description, string suffix)
    {
        var line = name;
        if (!string.IsNullOrEmpty(description) || suffix.Length > 0)
            line += " - " + (description ?? "") + suffix;
        WriteInfo(Redactor.Redact(line));
    }

    public override void InitStatus(string server) => WriteInfo($"Server {server}:");

    public override void ResultStatus(string server, string key, string label, string value) =>
        WriteInfo($"\t{label}: {Redactor.Redact(value)}");

    public override void ResultShowServer(string server, IReadOnlyList<KeyValuePair<string, string>> values) =>
        ResultShowServer(server, null, values);

    public override void ResultShowServer(string server, string? mark, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        WriteInfo(string.IsNullOrEmpty(mark) ? $"Server {server}:" : $"Server {server} {mark}:");
        foreach (var (key, value) in values)
            WriteInfo($"\t{key}: {Redactor.Redact(value)}");
    }

    private void WriteInfo(string line)
    {
        if (!Options.Quiet)
            _out.Write(line + "\n");
    }

    private const string Green = "\u001b[32m", Red = "\u001b[31m", Yellow = "\u001b[33m", Reset = "\u001b[0m";

    private string Paint(string text, string color) => Options.Color ? color + text + Reset : text;
}
