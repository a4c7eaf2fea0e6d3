using System.Diagnostics;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Configuration;

/// <summary>
/// barman_user handling (spec §1.2) through the real executable: as root it drops privileges, as any
/// other user it must already be that user. The test host itself never changes its user.
/// </summary>
public sealed class PrivilegeTests
{
    private static string WriteConfig(TempDir dir, string user, string extra = "")
    {
        var path = dir.Write("barman.conf", $"[barman]\nbarman_home = {dir.Combine("home")}\nbarman_user = {user}\n{extra}" +
            "[pg]\nconninfo = host=x\nbackup_method = postgres\narchiver = on\n");
        return path;
    }

    // Switching to nobody needs root, which the project's machines and CI are.
    private static void RequireRoot() =>
        Assert.True(Environment.IsPrivilegedProcess, "these tests run the executable as 'nobody' through setpriv: run them as root");

    /// <summary>Runs the built barman as <c>nobody</c> through setpriv.</summary>
    private static async Task<CliResult> RunAsNobody(params string[] args)
    {
        var psi = new ProcessStartInfo("setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/tmp",
        };
        foreach (var a in (string[])["--reuid=nobody", "--regid=nogroup", "--clear-groups", CliRunner.ExecutablePath, .. args])
            psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = "/tmp";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.ExitWithinAsync(TimeSpan.FromSeconds(60));
        return new CliResult(process.ExitCode, await stdout.Within("stdout"), await stderr.Within("stderr"));
    }

    [Fact]
    public async Task Another_user_must_already_be_barman_user()
    {
        RequireRoot();
        using var dir = new TempDir();
        var r = await RunAsNobody("-c", WriteConfig(dir, "root"), "list-servers");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ERROR: please run barman as 'root' user\n", r.Err);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task Unknown_barman_user_is_reported()
    {
        RequireRoot();
        using var dir = new TempDir();
        var r = await RunAsNobody("-c", WriteConfig(dir, "no_such_user_x"), "list-servers");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ERROR: the configured user 'no_such_user_x' does not exists\n", r.Err);
    }

    [Fact]
    public async Task Running_as_barman_user_works()
    {
        RequireRoot();
        using var dir = new TempDir();
        var r = await RunAsNobody("-c", WriteConfig(dir, "nobody"), "list-servers");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("pg\n", r.Out);
    }

    [Fact]
    public async Task Root_drops_privileges_to_barman_user()
    {
        RequireRoot();
        using var dir = new TempDir();
        // A log directory only root may write to: after the drop to nobody, opening it fails.
        var logDir = dir.Combine("rootonly");
        Directory.CreateDirectory(logDir);
        File.SetUnixFileMode(logDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var r = await CliRunner.RunProcessAsync(["-c", WriteConfig(dir, "nobody", $"log_file = {logDir}/barman.log\n"), "list-servers"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("pg\n", r.Out);
        Assert.Contains("WARNING: Failed opening the requested log file. Using standard error instead.\n", r.Err);
    }

    [Fact]
    public async Task Unreadable_configuration_file_is_one_line()
    {
        RequireRoot();
        using var dir = new TempDir();
        var path = WriteConfig(dir, "nobody");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var r = await RunAsNobody("-c", path, "list-servers");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"ERROR: Cannot read configuration file '{path}': Permission denied\n", r.Err);
    }
}
