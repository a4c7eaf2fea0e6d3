using Barman.Core.Text;
using Serilog.Events;

namespace Barman.Core.Output;

/// <summary>
/// <c>check --nagios</c> (Barman's <c>NagiosOutputWriter</c>): nothing but the plugin output is
/// printed; on close one status line with perfdata, then one line per failed item; exit 2 on failure.
/// </summary>
internal sealed class NagiosOutput : OutputWriterBase
{
    private sealed record Item(string Server, string Check, bool Ok, string? Hint);

    private sealed class Results
    {
        public readonly List<Item> Items = [];
        public readonly List<string> Servers = [];
        public readonly Dictionary<string, (long Backups, long Wals)> Perf = new(StringComparer.Ordinal);
    }

    private readonly TextWriter _out;
    private readonly Results _results;

    public NagiosOutput(TextWriter stdout, OutputOptions options)
        : base(options)
    {
        _out = stdout;
        _results = new Results();
        ErrorExitCode = 2;
    }

    private NagiosOutput(NagiosOutput parent, string loggerName)
        : base(parent.Options, parent.State, loggerName)
    {
        _out = parent._out;
        _results = parent._results;
    }

    public override IOutput ForLogger(string loggerName) => new NagiosOutput(this, loggerName);

    // Plugin output only: messages are logged by the base class, never shown.
    protected override void Write(LogEventLevel level, string message, bool isException)
    {
    }

    private readonly Dictionary<string, bool> _active = new(StringComparer.Ordinal);

    public override void InitCheck(string server, bool active, bool disabled)
    {
        _active[server] = active;
        if (!_results.Servers.Contains(server))
            _results.Servers.Add(server);
    }

    public override void ResultCheck(string server, string check, bool ok, string? hint = null)
    {
        LogCheck(server, check, ok, hint);
        if (!_results.Servers.Contains(server))
            _results.Servers.Add(server);
        _results.Items.Add(new Item(server, check, ok, hint is null ? null : Redactor.Redact(hint)));
        if (!ok && (!_active.TryGetValue(server, out var active) || active))
            SetError();
    }

    public override void ResultPerfData(string server, long backupBytes, long walBytes) => _results.Perf[server] = (backupBytes, walBytes);

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

    public override int Close()
    {
        var servers = _results.Servers;
        var issues = servers.Where(s => _results.Items.Any(i => i.Server == s && !i.Ok)).ToList();
        var perf = string.Join(' ', servers
            .Where(_results.Perf.ContainsKey)
            .Select(s => $"{s}={_results.Perf[s].Backups}B {s}_wals={_results.Perf[s].Wals}B"));

        if (issues.Count == 0 && ErrorOccurred)
        {
            Line("BARMAN CRITICAL - Global configuration errors");
        }
        else if (issues.Count > 0 && ErrorOccurred)
        {
            var summary = issues.Select(s => $"{s} FAILED: {string.Join(", ", Failed(s).Select(i => i.Check))}");
            Line(servers.Count == 1
                ? $"BARMAN CRITICAL - server {servers[0]} has issues * {string.Join(" * ", summary)}|{perf}"
                : $"BARMAN CRITICAL - {issues.Count} server out of {servers.Count} have issues * {string.Join(" * ", summary)}|{perf}");
            foreach (var server in issues)
            {
                foreach (var item in Failed(server))
                    Line($"{server}.{item.Check}: FAILED" + (string.IsNullOrEmpty(item.Hint) ? "" : $" ({item.Hint})"));
            }
        }
        else if (issues.Count > 0)
        {
            // failures only on inactive servers: OK, but say what was ignored
            var good = servers.Except(issues).ToList();
            var ignoring = string.Join(" * IGNORING: ", issues);
            Line(good.Count switch
            {
                0 => $"BARMAN OK - No server configured * IGNORING: {ignoring}",
                1 => $"BARMAN OK - Ready to serve the Espresso backup for {good[0]} * IGNORING: {ignoring}|{perf}",
                _ => $"BARMAN OK - Ready to serve the Espresso backup for {good.Count} servers * {string.Join(" * ", good)} * IGNORING: {ignoring}|{perf}",
            });
        }
        else
        {
            Line(servers.Count switch
            {
                0 => "BARMAN OK - No server configured",
                1 => $"BARMAN OK - Ready to serve the Espresso backup for {servers[0]}|{perf}",
                _ => $"BARMAN OK - Ready to serve the Espresso backup for {servers.Count} servers * {string.Join(" * ", servers)}|{perf}",
            });
        }
        _out.Flush();
        return base.Close();
    }

    private IEnumerable<Item> Failed(string server) => _results.Items.Where(i => i.Server == server && !i.Ok);

    private void Line(string text) => _out.Write(text + "\n");
}
