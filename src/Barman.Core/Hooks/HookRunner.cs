using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Serilog;

namespace Barman.Core.Hooks;

/// <summary>
/// Barman's <c>HookScriptRunner</c> and <c>RetryHookScriptRunner</c> for one server: the common
/// <c>BARMAN_*</c> variables, the log lines, and the retry loop (until exit 0, 62 or 63).
/// </summary>
internal sealed class HookRunner(ServerConfig server, HookRetryPolicy policy)
{
    /// <summary>Retry scripts: stop retrying, log it, go on.</summary>
    public const int AbortContinue = 62;
    /// <summary>Retry scripts: stop retrying and ask Barman to stop (honoured only before archiving).</summary>
    public const int AbortStop = 63;

    private readonly ILogger _log = BarmanLog.For("barman.hooks");
    // Barman logs each output line through a logger named after the Command class.
    private readonly ILogger _outputLog = BarmanLog.For("Command");

    /// <summary>
    /// Runs <paramref name="script"/> (<c>&lt;phase&gt;_&lt;name&gt;</c>) once, or for a retry script until
    /// it exits 0, 62 or 63. Returns its last exit status, null when it could not be started at all
    /// (logged; Barman's runner never raises).
    /// </summary>
    public async Task<int?> RunAsync(string phase, string name, string script, bool retry, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(variables, StringComparer.Ordinal)
        {
            ["BARMAN_VERSION"] = VersionInfo.Version,
            ["BARMAN_SERVER"] = server.Name,
            ["BARMAN_CONFIGURATION"] = server.Global.ConfigFile,
            ["BARMAN_HOOK"] = name,
            ["BARMAN_RETRY"] = retry ? "1" : "0",
            ["BARMAN_PHASE"] = phase,
        };
        if (!retry)
            return await RunOnceAsync(name, script, environment, cancellationToken);

        var attempts = 1;
        while (true)
        {
            var status = await RunOnceAsync(name, script, environment, cancellationToken);
            if (status is 0 or AbortContinue or AbortStop)
            {
                if (status == AbortContinue)
                    _log.Warning("{Script:l} was aborted (got exit status {Status}, Barman resumes)", script, status);
                else if (status == AbortStop)
                    _log.Error("{Script:l} was aborted (got exit status {Status}, Barman requested to stop)", script, status);
                return status;
            }
            if (attempts <= policy.AttemptsBeforeNap)
            {
                attempts++;
                _log.Debug("Retry again in {Seconds} seconds", (int)policy.BreakTime.TotalSeconds);
                await Task.Delay(policy.BreakTime, cancellationToken);
            }
            else
            {
                attempts = 1;
                _log.Debug("Reached {Attempts} failures. Take a nap then retry again in {Seconds} seconds", policy.AttemptsBeforeNap, (int)policy.NapTime.TotalSeconds);
                await Task.Delay(policy.NapTime, cancellationToken);
            }
        }
    }

    /// <summary>Barman's <c>AbortedRetryHookScript</c> text.</summary>
    public static string AbortMessage(string phase, string name, string script, int status) =>
        $"Abort '{phase}_{name}' retry hook script ({script}, exit code: {status})";

    private async Task<int?> RunOnceAsync(string name, string script, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        _log.Debug("Attempt to run {Name:l}: {Script:l}", name, script);
        HookScriptResult result;
        try
        {
            result = await HookScript.RunAsync(script, environment, server.SearchPath, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.Error(e, "Exception running {Name:l}", name);
            return null;
        }
        foreach (var line in Lines(result.Stdout))
            _outputLog.Debug("{Line:l}", line);
        foreach (var line in Lines(result.Stderr))
            _outputLog.Warning("{Line:l}", line);
        if (result.ExitCode != 0)
            _log.Warning("{Script:l} returned {Status}\nOutput details:\n{Out:l}{Err:l}", script, result.ExitCode, result.Stdout, result.Stderr);
        else
            _log.Debug("{Script:l} returned {Status}", script, result.ExitCode);
        return result.ExitCode;
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Where(l => l.Length > 0);
}
