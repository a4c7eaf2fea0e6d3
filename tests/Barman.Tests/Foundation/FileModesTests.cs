using System.Diagnostics;
using Barman.Core.Os;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Foundation;

/// <summary>
/// What barman writes is private whatever the umask: directories 0700, identity.json 0600, the log
/// 0640; and a wider mode left by an older run is narrowed by the next one. The real executable runs
/// under the umask (receive-wal --reset: directories, identity.json and the log, without streaming; check: every directory).
/// </summary>
public sealed class FileModesTests(PgCluster pg) : IClassFixture<PgCluster>
{
    private const UnixFileMode Dir = FileModes.PrivateDirectory;

    private sealed class Home : IDisposable
    {
        public Home(PgCluster pg, string slot)
        {
            Temp = new TempDir("barman-modes");
            Config = Temp.Write("barman.conf", $"""
                [barman]
                barman_home = {Path.Combine(Temp.Path, "home")}
                barman_user = {Environment.UserName}
                log_file = {Temp.Combine("log", "barman.log")}
                log_level = INFO

                [pg]
                conninfo = host=127.0.0.1 port={pg.Port} user=postgres dbname=postgres
                backup_method = postgres
                streaming_archiver = on
                slot_name = {slot}
                create_slot = auto
                path_prefix = {PgCluster.BinDir}
                """);
        }

        public TempDir Temp { get; }
        public string Config { get; }
        public string Server => Temp.Combine("home", "pg");
        public string Log => Temp.Combine("log", "barman.log");

        public void Dispose() => Temp.Dispose();
    }

    private static async Task<CliResult> RunUnder(string umask, params string[] args)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "umask \"$1\"; shift; exec \"$@\"", "sh", umask, CliRunner.ExecutablePath }.Concat(args))
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static UnixFileMode Mode(string path) => File.GetUnixFileMode(path);

    [Theory]
    [InlineData("022")]
    [InlineData("077")]
    [InlineData("000")]
    public async Task Receive_wal_and_check_write_private_modes_whatever_the_umask(string umask)
    {
        using var h = new Home(pg, "modes_" + umask);
        var reset = await RunUnder(umask, "-c", h.Config, "receive-wal", "--reset", "pg");
        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.Equal(Dir, Mode(Path.Combine(h.Server, "streaming")));
        Assert.Equal(FileModes.PrivateFile, Mode(Path.Combine(h.Server, ServerIdentity.FileName)));
        Assert.Equal(FileModes.LogFile, Mode(h.Log));
        Assert.Equal(Dir, Mode(Path.GetDirectoryName(h.Log)!));

        var check = await RunUnder(umask, "-c", h.Config, "check", "pg");
        Assert.Contains("\tdirectories: OK\n", check.Out);
        Assert.Equal(Dir, Mode(h.Temp.Combine("home")));
        foreach (var sub in new[] { "", "base", "errors", "incoming", "streaming", "wals" })
            Assert.True(Mode(Path.Combine(h.Server, sub)) == Dir, $"{sub}: {FileModes.Octal(Mode(Path.Combine(h.Server, sub)))}");
    }

    [Fact]
    public async Task A_run_narrows_what_an_older_one_left_open()
    {
        using var h = new Home(pg, "modes_fix");
        var streaming = Path.Combine(h.Server, "streaming");
        var identity = Path.Combine(h.Server, ServerIdentity.FileName);
        Directory.CreateDirectory(streaming);
        Directory.CreateDirectory(Path.GetDirectoryName(h.Log)!);
        var systemId = await pg.ScalarAsync<long>("select system_identifier from pg_control_system()");
        File.WriteAllText(identity, $"{{\n    \"systemid\": \"{systemId}\",\n    \"version\": \"15\"\n}}\n");
        File.WriteAllText(h.Log, "");
        var open = UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(h.Server, Dir | open);
        File.SetUnixFileMode(streaming, Dir | open | UnixFileMode.GroupWrite);
        File.SetUnixFileMode(identity, FileModes.PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(h.Log, FileModes.PrivateFile | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        var reset = await RunUnder("022", "-c", h.Config, "receive-wal", "--reset", "pg");

        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.Equal(Dir, Mode(h.Server));
        Assert.Equal(Dir, Mode(streaming));
        Assert.Equal(FileModes.PrivateFile, Mode(identity));
        Assert.Equal(FileModes.PrivateFile, Mode(h.Log));
        var log = File.ReadAllText(h.Log);
        Assert.Contains($"barman.server WARNING: Changed the mode of '{h.Server}' from 0755 to 0700", log);
        Assert.Contains($"barman.server WARNING: Changed the mode of '{streaming}' from 0775 to 0700", log);
        Assert.Contains($"barman.server WARNING: Changed the mode of '{identity}' from 0644 to 0600", log);
    }
}
