using Barman.Core.Hooks;
using Barman.Core.Logging;
using Serilog;

namespace Barman.Tests.ArchiveWal;

/// <summary>One run of a hook script: its tag (pre, preretry, postretry, post) and its environment.</summary>
internal sealed record HookCall(string Tag, IReadOnlyDictionary<string, string> Env)
{
    public string this[string key] => Env[key];
    public string Segment => Env["BARMAN_SEGMENT"];
    public override string ToString() => $"{Tag}:{Env.GetValueOrDefault("BARMAN_SEGMENT")}";
}

/// <summary>
/// A real shell script, configured as all four archive hooks, that records every call (BARMAN_*
/// variables, PATH, whether BARMAN_FILE and its xlog.db line exist) and exits with queued codes;
/// plus a barman log file for the run.
/// </summary>
internal sealed class HookRecorder : IDisposable
{
    /// <summary>Fast retries: 10 ms breaks, a 20 ms nap after one break.</summary>
    public static readonly HookRetryPolicy Fast = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), AttemptsBeforeNap: 1);

    private readonly string _dir;
    private readonly Serilog.Core.Logger _logger;

    public HookRecorder(ArchiveHarness h)
    {
        _dir = h.Dir.Combine("hooks");
        Directory.CreateDirectory(Path.Combine(_dir, "calls"));
        Directory.CreateDirectory(Path.Combine(_dir, "codes"));
        Script = Path.Combine(_dir, "hook.sh");
        File.WriteAllText(Script, $$"""
            #!/bin/sh
            d='{{_dir}}'
            f="$d/calls/$(printf %03d $(ls "$d/calls" | wc -l))-$1"
            env | grep '^BARMAN_' | sort > "$f.tmp"
            echo "PATH=$PATH" >> "$f.tmp"
            if [ -f "$BARMAN_FILE" ]; then echo "EXISTS=1" >> "$f.tmp"; else echo "EXISTS=0" >> "$f.tmp"; fi
            echo "XLOGDB=$(grep -c "^$BARMAN_SEGMENT	" '{{h.Server.XlogdbFile}}' 2>/dev/null)" >> "$f.tmp"
            mv "$f.tmp" "$f"
            echo "out of $1"
            echo "err of $1" >&2
            c=0
            if [ -s "$d/codes/$1" ]; then c=$(head -n 1 "$d/codes/$1"); sed -i 1d "$d/codes/$1"; fi
            exit $c

            """);
        File.SetUnixFileMode(Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        h.Server = h.Server with
        {
            PreArchiveScript = Script + " pre",
            PreArchiveRetryScript = Script + " preretry",
            PostArchiveRetryScript = Script + " postretry",
            PostArchiveScript = Script + " post",
        };

        LogFile = h.Dir.Combine("barman.log");
        _logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(new WatchedFileSink(LogFile, new BarmanLogFormatter())).CreateLogger();
        BarmanLog.Current = _logger;
    }

    public string Script { get; }
    public string LogFile { get; }

    /// <summary>The next runs of the hook tagged <paramref name="tag"/> exit with these codes (then 0).</summary>
    public void Exit(string tag, params int[] codes) =>
        File.WriteAllLines(Path.Combine(_dir, "codes", tag), codes.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public List<HookCall> Calls() =>
        [.. Directory.GetFiles(Path.Combine(_dir, "calls")).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(f => new HookCall(
            Path.GetFileName(f)[4..],
            File.ReadAllLines(f).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal)))];

    /// <summary>Waits (30 s at most, else fails) until the hook tagged <paramref name="tag"/> has been called.</summary>
    public async Task WaitForCallAsync(string tag)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Calls().Any(c => c.Tag == tag))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the {tag} hook was never called");
            await Task.Delay(20);
        }
    }

    /// <summary>The log so far (the sink writes each line as it is logged).</summary>
    public string Log() => File.ReadAllText(LogFile);

    public void Dispose()
    {
        BarmanLog.Current = Serilog.Core.Logger.None;
        _logger.Dispose();
    }
}
