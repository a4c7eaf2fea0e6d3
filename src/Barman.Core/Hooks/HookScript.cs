using System.Diagnostics;

namespace Barman.Core.Hooks;

/// <summary>What a hook script did: its exit status and everything it wrote.</summary>
internal sealed record HookScriptResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs a configured hook command the way Barman's <c>Command(script, shell=True)</c> does:
/// <c>/bin/sh -c &lt;script&gt;</c>, our environment plus the given variables, <c>PATH</c>
/// replaced, stdin an immediately closed pipe, stdout and stderr captured whole.
/// </summary>
internal static class HookScript
{
    public static async Task<HookScriptResult> RunAsync(string script, IReadOnlyDictionary<string, string> environment, string path, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var (key, value) in environment)
            psi.Environment[key] = value;
        psi.Environment["PATH"] = path;

        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        // Both pipes are drained concurrently: a script filling one of them must never block.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM/SIGINT of barman: a hook must not keep it (and its locks) alive.
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new HookScriptResult(process.ExitCode, await stdout, await stderr);
    }
}
