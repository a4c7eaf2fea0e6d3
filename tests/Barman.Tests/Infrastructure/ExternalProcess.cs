using System.Diagnostics;

namespace Barman.Tests.Infrastructure;

/// <summary>Runs an external program to completion, its output captured (stdin empty unless given), bounded (<see cref="Bounded"/>).</summary>
public static class ExternalProcess
{
    public static async Task<CliResult> RunAsync(string file, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null,
        IDictionary<string, string>? environment = null)
    {
        var result = await RunBinaryAsync(file, args, stdin is null ? null : System.Text.Encoding.UTF8.GetBytes(stdin), timeout, environment);
        return new CliResult(result.ExitCode, result.Text, result.Err);
    }

    /// <summary>Like <see cref="RunAsync"/>, with standard input and output as bytes (WAL through a pipe).</summary>
    public static async Task<BinaryResult> RunBinaryAsync(string file, IEnumerable<string> args, byte[]? stdin = null, TimeSpan? timeout = null,
        IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            psi.Environment[key] = value;
        using var process = Process.Start(psi)!;
        using var output = new MemoryStream();
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(output);
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (stdin is not null)
                await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // the program stopped reading: its exit code says why
        }
        var bound = timeout ?? Bounded.Default;
        await process.ExitWithinAsync(bound);
        // a detached grandchild may still hold the pipes: reading them is bounded too
        await stdout.Within($"{file}'s stdout", bound);
        return new BinaryResult(process.ExitCode, output.ToArray(), await stderr.Within($"{file}'s stderr", bound));
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit fails the test with the output.</summary>
    public static async Task<CliResult> RunCheckedAsync(string file, params string[] args)
    {
        var result = await RunAsync(file, args);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', args)}: {result}");
        return result;
    }
}
