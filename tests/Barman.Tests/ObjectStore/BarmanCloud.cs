using System.Diagnostics;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ObjectStore;

/// <summary>Debian's barman-cli-cloud 3.4 (<c>barman-cloud-wal-archive</c>, <c>barman-cloud-wal-restore</c>), run as archive_command/restore_command would.</summary>
internal static class BarmanCloud
{
    public const string Archive = "/usr/bin/barman-cloud-wal-archive";
    public const string Restore = "/usr/bin/barman-cloud-wal-restore";

    /// <summary>Runs one of the scripts; fails the test with its output when it does not exit 0.</summary>
    public static async Task RunAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        Assert.True(File.Exists(script), $"{script} is missing: install Debian's barman-cli-cloud (and python3-azure-storage); .ci/run does");
        var psi = new ProcessStartInfo(script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment)
            psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.ExitWithinAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(script)} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await stdout.Within("its output")}{await stderr.Within("its errors")}");
    }

    /// <summary>A file named like a WAL segment (barman-cloud checks names, not contents).</summary>
    public static string WriteWal(string directory, string name, byte[] content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
