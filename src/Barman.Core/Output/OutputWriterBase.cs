using Barman.Core.Logging;
using Barman.Core.Text;
using Serilog.Events;
using Serilog;

namespace Barman.Core.Output;

/// <summary>Redaction, logging and the error flag, shared by every writer and its logger views.</summary>
internal abstract class OutputWriterBase : IOutput
{
    private readonly OutputState _state;
    private readonly ILogger _log;

    protected OutputWriterBase(OutputOptions options)
        : this(options, new OutputState(), "barman.cli")
    {
    }

    private protected OutputWriterBase(OutputOptions options, OutputState state, string loggerName)
    {
        Options = options;
        _state = state;
        _log = BarmanLog.For(loggerName);
    }

    protected OutputOptions Options { get; }

    public bool ErrorOccurred => _state.ErrorOccurred;

    public int ErrorExitCode
    {
        get => _state.ErrorExitCode;
        set => _state.ErrorExitCode = value;
    }

    protected void SetError() => _state.ErrorOccurred = true;

    public void Info(string message) => Emit(LogEventLevel.Information, message);
    public void Info(string message, bool log) => Emit(LogEventLevel.Information, message, log: log);
    public void Warning(string message) => Emit(LogEventLevel.Warning, message);

    public void Error(string message)
    {
        SetError();
        Emit(LogEventLevel.Error, message);
    }

    public void Exception(string message)
    {
        SetError();
        Emit(LogEventLevel.Error, message, isException: true);
    }

    public void Debug(string message) => Emit(LogEventLevel.Debug, message);

    private void Emit(LogEventLevel level, string message, bool isException = false, bool log = true)
    {
        var redacted = Redactor.Redact(message);
        if (log)
            _log.Write(level, "{Message:l}", redacted);
        Write(level, redacted, isException);
    }

    /// <summary>Shows one already-redacted message.</summary>
    protected abstract void Write(LogEventLevel level, string message, bool isException);

    public abstract void InitCheck(string server, bool active, bool disabled);
    public abstract void ResultCheck(string server, string check, bool ok, string? hint = null);
    public virtual void ResultPerfData(string server, long backupBytes, long walBytes)
    {
    }

    public abstract void ResultListServer(string name, string? description, string suffix);
    public abstract void InitStatus(string server);
    public abstract void ResultStatus(string server, string key, string label, string value);
    public abstract void ResultShowServer(string server, IReadOnlyList<KeyValuePair<string, string>> values);
    public virtual void ResultShowServer(string server, string? mark, IReadOnlyList<KeyValuePair<string, string>> values) => ResultShowServer(server, values);
    public virtual void ResultReport(string server, IReadOnlyList<string> lines, IReadOnlyDictionary<string, object?> document)
    {
        foreach (var line in lines)
            Info(line, log: false);
    }

    public virtual void ResultReplicationStatus(string server, IReadOnlyList<string> lines, IReadOnlyDictionary<string, object?> fields)
    {
        foreach (var line in lines)
            Info(line);
    }

    public abstract IOutput ForLogger(string loggerName);

    public virtual int Close() => ErrorOccurred ? ErrorExitCode : 0;

    private protected OutputState State => _state;

    /// <summary>Logs a failed check item as Barman does (<c>Check 'x' failed for server 'y'</c>).</summary>
    protected void LogCheck(string server, string check, bool ok, string? hint)
    {
        if (!ok)
            BarmanLog.For("barman.server").Error("Check '{Check:l}' failed for server '{Server:l}'", check, server);
        else
            _log.Debug("Check '{Check:l}' succeeded for server '{Server:l}'{Hint:l}", check, server, hint is null ? "" : $" ({Redactor.Redact(hint)})");
    }
}
