namespace Barman.Core.Output;

/// <summary>
/// A view of a writer that remembers the first error it printed (<see cref="FirstError"/>), for a
/// command that records its own outcome (archive-wal); everything is forwarded unchanged, and the
/// logger views it hands out share what it remembers.
/// </summary>
internal sealed class ErrorCapture : IOutput
{
    private sealed class Captured
    {
        public string? First;
    }

    private readonly IOutput _inner;
    private readonly Captured _captured;

    public ErrorCapture(IOutput inner)
        : this(inner, new Captured())
    {
    }

    private ErrorCapture(IOutput inner, Captured captured)
    {
        _inner = inner;
        _captured = captured;
    }

    /// <summary>The first <c>ERROR</c>/<c>EXCEPTION</c> message printed through this view, or null.</summary>
    public string? FirstError => _captured.First;

    public void Info(string message) => _inner.Info(message);
    public void Info(string message, bool log) => _inner.Info(message, log);
    public void Warning(string message) => _inner.Warning(message);
    public void Debug(string message) => _inner.Debug(message);

    public void Error(string message)
    {
        _captured.First ??= message;
        _inner.Error(message);
    }

    public void Exception(string message)
    {
        _captured.First ??= message;
        _inner.Exception(message);
    }

    public void InitCheck(string server, bool active, bool disabled) => _inner.InitCheck(server, active, disabled);
    public void ResultCheck(string server, string check, bool ok, string? hint = null) => _inner.ResultCheck(server, check, ok, hint);
    public void ResultPerfData(string server, long backupBytes, long walBytes) => _inner.ResultPerfData(server, backupBytes, walBytes);
    public void ResultListServer(string name, string? description, string suffix) => _inner.ResultListServer(name, description, suffix);
    public void InitStatus(string server) => _inner.InitStatus(server);
    public void ResultStatus(string server, string key, string label, string value) => _inner.ResultStatus(server, key, label, value);
    public void ResultShowServer(string server, IReadOnlyList<KeyValuePair<string, string>> values) => _inner.ResultShowServer(server, values);
    public void ResultShowServer(string server, string? mark, IReadOnlyList<KeyValuePair<string, string>> values) => _inner.ResultShowServer(server, mark, values);
    public void ResultReplicationStatus(string server, IReadOnlyList<string> lines, IReadOnlyDictionary<string, object?> fields) =>
        _inner.ResultReplicationStatus(server, lines, fields);
    public IOutput ForLogger(string loggerName) => new ErrorCapture(_inner.ForLogger(loggerName), _captured);

    public bool ErrorOccurred => _inner.ErrorOccurred;

    public int ErrorExitCode
    {
        get => _inner.ErrorExitCode;
        set => _inner.ErrorExitCode = value;
    }

    public int Close() => _inner.Close();
}
