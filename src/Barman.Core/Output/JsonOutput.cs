using Barman.Core.Text;
using Serilog.Events;

namespace Barman.Core.Output;

/// <summary>
/// Barman's <c>-f json</c> writer: results are collected and printed at close as one sorted JSON
/// object with no trailing newline; plain messages go to <c>_INFO</c>, <c>_WARNING</c>, <c>_ERROR</c>.
/// </summary>
internal sealed class JsonOutput : OutputWriterBase
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly Dictionary<string, object?> _root;

    public JsonOutput(TextWriter stdout, TextWriter stderr, OutputOptions options)
        : base(options)
    {
        _out = stdout;
        _err = stderr;
        _root = new Dictionary<string, object?>(StringComparer.Ordinal);
    }

    private JsonOutput(JsonOutput parent, string loggerName)
        : base(parent.Options, parent.State, loggerName)
    {
        _out = parent._out;
        _err = parent._err;
        _root = parent._root;
    }

    public override IOutput ForLogger(string loggerName) => new JsonOutput(this, loggerName);

    protected override void Write(LogEventLevel level, string message, bool isException)
    {
        var key = level switch
        {
            LogEventLevel.Information => Options.Quiet ? null : "_INFO",
            LogEventLevel.Warning => "_WARNING",
            LogEventLevel.Error => isException ? "_EXCEPTION" : "_ERROR",
            LogEventLevel.Debug => Options.Debug ? "_DEBUG" : null,
            _ => null,
        };
        if (key is null)
            return;
        if (!_root.TryGetValue(key, out var list) || list is not List<string> messages)
            _root[key] = messages = [];
        messages.Add(message);
    }

    private Dictionary<string, object?> Section(string server)
    {
        if (!_root.TryGetValue(server, out var v) || v is not Dictionary<string, object?> section)
            _root[server] = section = new Dictionary<string, object?>(StringComparer.Ordinal);
        return section;
    }

    private readonly Dictionary<string, bool> _active = new(StringComparer.Ordinal);

    public override void InitCheck(string server, bool active, bool disabled)
    {
        _active[server] = active;
        Section(server);
    }

    /// <summary>Barman's key mangling: lower case, spaces and dashes to underscores, dots removed.</summary>
    public static string Mangle(string check) =>
        check.ToLowerInvariant().Replace(' ', '_').Replace('-', '_').Replace(".", "", StringComparison.Ordinal);

    public override void ResultCheck(string server, string check, bool ok, string? hint = null)
    {
        LogCheck(server, check, ok, hint);
        Section(server)[Mangle(check)] = new Dictionary<string, object?>
        {
            ["status"] = ok ? "OK" : "FAILED",
            ["hint"] = Redactor.Redact(hint ?? ""),
        };
        if (!ok && (!_active.TryGetValue(server, out var active) || active))
            SetError();
    }

    public override void ResultListServer(string name, string? description, string suffix) =>
        Section(name)["description"] = Redactor.Redact((description ?? "") + suffix);

    public override void InitStatus(string server) => Section(server);

    public override void ResultStatus(string server, string key, string label, string value) =>
        Section(server)[key] = Redactor.Redact(value);

    public override void ResultShowServer(string server, string? mark, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        // Barman: {"description": mark} first; a None value never overrides an existing key.
        var section = Section(server);
        section["description"] = mark;
        foreach (var (k, v) in values)
        {
            if (v == "None" && section.ContainsKey(k))
                continue;
            section[k] = Redactor.Redact(v);
        }
    }

    public override void ResultShowServer(string server, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        var section = Section(server);
        foreach (var (k, v) in values)
            section[k] = Redactor.Redact(v);
    }

    public override void ResultReport(string server, IReadOnlyList<string> lines, IReadOnlyDictionary<string, object?> document)
    {
        var section = Section(server);
        foreach (var (key, value) in document)
            section[key] = value;
    }

    /// <summary>Barman's JSON <c>result_replication_status</c>: the structured fields, not the console lines.</summary>
    public override void ResultReplicationStatus(string server, IReadOnlyList<string> lines, IReadOnlyDictionary<string, object?> fields)
    {
        var section = Section(server);
        foreach (var (key, value) in fields)
            section[key] = value is string text ? Redactor.Redact(text) : value;
    }

    public override int Close()
    {
        _out.Write(PythonJson.Dumps(_root));
        _out.Flush();
        return base.Close();
    }
}
