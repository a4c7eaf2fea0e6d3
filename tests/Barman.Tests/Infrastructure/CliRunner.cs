using System.Diagnostics;
using Barman.Cli;
using Barman.Core;

namespace Barman.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Err}";
}

/// <summary>Runs the whole CLI, either in-process (fast, captured) or as the real built executable.</summary>
public static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args) => await RunAsync(args, CancellationToken.None);

    /// <summary>Runs in-process to completion; a run still going after <see cref="Bounded.Default"/> is cancelled and fails the test.</summary>
    public static async Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        // Each run gets its own async flow (logger, output) so parallel tests never share them.
        var code = await Bounded.RunAsync(
            ct => Task.Run(() => BarmanApp.RunAsync(args, new ConsoleStreams(stdout, stderr), ct), ct),
            "barman " + string.Join(' ', args), cancellationToken: cancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Path of the built <c>barman</c> executable beside the test assembly.</summary>
    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "barman");

    /// <summary>
    /// Starts the real executable (stdin closed, output redirected). Its argv names the test's directory
    /// (<c>-c &lt;dir&gt;/barman.conf</c>), so disposing that directory stops it (<see cref="TestProcesses"/>).
    /// </summary>
    public static Process Start(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
                psi.Environment[k] = v;
        }
        var process = Process.Start(psi)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>
    /// Runs the real executable to completion (killed, and the test failed, after <paramref name="timeout"/>),
    /// optionally under <paramref name="launcher"/> (e.g. strace and its options).
    /// </summary>
    public static Task<CliResult> RunProcessAsync(IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string>? environment = null, IReadOnlyList<string>? launcher = null) =>
        launcher is { Count: > 0 }
            ? ExternalProcess.RunAsync(launcher[0], [.. launcher.Skip(1), ExecutablePath, .. args], timeout: timeout ?? TimeSpan.FromSeconds(60), environment: environment)
            : ExternalProcess.RunAsync(ExecutablePath, args, timeout: timeout ?? TimeSpan.FromSeconds(60), environment: environment);
}
