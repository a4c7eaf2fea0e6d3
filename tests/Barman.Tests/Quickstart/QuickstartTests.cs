using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Barman.Core.Os;
using Barman.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Barman.Tests.Quickstart;

/// <summary>
/// samples/quickstart/run.sh, the README's first command, run for real (with the barman built beside
/// the tests, so without its dotnet build): it must stream, archive and check a throwaway cluster, and
/// leave no process and no directory behind, also when interrupted with Ctrl-C.
/// </summary>
public sealed partial class QuickstartTests(ITestOutputHelper log)
{
    // A safety net against a hung script, not a performance assertion: the script bounds its own waits.
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Quickstart_streams_archives_and_checks_then_cleans_up()
    {
        using var run = QuickstartRun.Start();
        var exitCode = await run.WaitForExitAsync(Bound);
        var output = run.Output;
        log.WriteLine(output);

        Assert.True(exitCode == 0, $"exit {exitCode}\n{output}");
        Assert.Contains("Replication slot 'barman' created", output);
        Assert.Contains("Starting streaming archiver for server pg", output);
        Assert.Contains("Processing xlog segments from streaming for pg", output);
        Assert.Matches(@"\$ barman check pg\n\s+Server pg:\n(\s+[^\n]+: OK[^\n]*\n)+", output);
        Assert.Contains("receive-wal running: OK", output);
        Assert.Contains("Current state   : streaming", output);

        // The archive tree shows the hash directory with segments in it, and xlog.db lists them.
        Assert.Matches(@"wals/0000000100000000/00000001000000000000000[0-9A-F]\n", output);
        var xlogDb = XlogDbLine().Matches(output[output.IndexOf("xlog.db (name", StringComparison.Ordinal)..]);
        Assert.True(xlogDb.Count >= 1, output);

        AssertNothingLeft(run);
    }

    [Fact]
    public async Task Ctrl_c_in_the_middle_stops_streaming_and_postgres_and_removes_everything()
    {
        using var run = QuickstartRun.Start();
        // Interrupt once receive-wal and pg_receivewal are running: the worst moment to leave things behind.
        var reached = await run.WaitForOutputAsync("Generating WAL", Bound);
        Assert.True(reached, run.Output);
        Assert.NotEmpty(TestProcesses.Mentioning(run.BarmanHome + "/"));
        // A terminal sends SIGINT to the whole foreground process group; setsid made the script its leader.
        Posix.Kill(-run.Pid, Posix.SIGINT);
        var exitCode = await run.WaitForExitAsync(Bound);
        var output = run.Output;
        log.WriteLine(output);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Cleaning up", output);
        Assert.DoesNotContain("barman archive-wal", output);
        AssertNothingLeft(run);
    }

    private static void AssertNothingLeft(QuickstartRun run)
    {
        Assert.Contains("left running: 0 processes", run.Output);
        foreach (var dir in new[] { run.BarmanHome, run.PostgresDir })
        {
            Assert.False(Directory.Exists(dir), $"{dir} was not removed");
            Assert.Empty(TestProcesses.Mentioning(dir + "/"));
        }
    }

    [GeneratedRegex(@"^\s+[0-9A-F]{24}\t16777216\t\d+\.\d+\tNone$", RegexOptions.Multiline)]
    private static partial Regex XlogDbLine();

    /// <summary>The script as its own process group (setsid), with its merged output collected line by line.</summary>
    private sealed class QuickstartRun : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly Lock _gate = new();
        private readonly Task _readers;

        private QuickstartRun(Process process)
        {
            _process = process;
            _readers = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
        }

        public static QuickstartRun Start()
        {
            var psi = new ProcessStartInfo("setsid")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            psi.ArgumentList.Add("bash");
            psi.ArgumentList.Add(Path.Combine(Repository.Root, "samples", "quickstart", "run.sh"));
            psi.Environment["BARMAN_BIN"] = CliRunner.ExecutablePath;
            var process = Process.Start(psi)!;
            process.StandardInput.Close();
            return new QuickstartRun(process);
        }

        public int Pid => _process.Id;

        public string Output
        {
            get
            {
                lock (_gate)
                    return _output.ToString();
            }
        }

        public string BarmanHome => Announced("barman_home:");

        public string PostgresDir => Announced("PostgreSQL:");

        private string Announced(string label)
        {
            var match = Regex.Match(Output, "^   " + Regex.Escape(label) + @"\s+(\S+)$", RegexOptions.Multiline);
            Assert.True(match.Success, $"'{label}' not announced:\n{Output}");
            return match.Groups[1].Value;
        }

        public async Task<bool> WaitForOutputAsync(string text, TimeSpan bound)
        {
            using var cts = new CancellationTokenSource(bound);
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (_process.HasExited || cts.IsCancellationRequested)
                    return Output.Contains(text, StringComparison.Ordinal);
                await Task.Delay(100, CancellationToken.None);
            }
            return true;
        }

        public async Task<int> WaitForExitAsync(TimeSpan bound)
        {
            using var cts = new CancellationTokenSource(bound);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Posix.Kill(-_process.Id, Posix.SIGTERM);
                throw new TimeoutException($"the quickstart did not finish within {bound}:\n{Output}");
            }
            await _readers;
            return _process.ExitCode;
        }

        private async Task PumpAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (_gate)
                    _output.Append(line).Append('\n');
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                Posix.Kill(-_process.Id, Posix.SIGTERM);
            _process.Dispose();
        }
    }
}
