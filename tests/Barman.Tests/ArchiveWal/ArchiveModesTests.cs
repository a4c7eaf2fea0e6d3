using Barman.Core.Os;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

/// <summary>
/// archive-wal writes the archive private whatever the umask and whatever mode a queued file came
/// with: archived files, xlog.db and the journal 0600, directories 0700; what an older run left
/// wider is narrowed. The real executable runs under the umask.
/// </summary>
public sealed class ArchiveModesTests
{
    private const UnixFileMode Dir = FileModes.PrivateDirectory;
    private const UnixFileMode Open = UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static Task<CliResult> RunUnder(string umask, string config, IDictionary<string, string>? environment = null) =>
        ExternalProcess.RunAsync("/bin/sh", ["-c", "umask \"$1\"; shift; exec \"$@\"", "sh", umask, CliRunner.ExecutablePath, "-c", config, "archive-wal", "pg"],
            timeout: TimeSpan.FromSeconds(60), environment: environment);

    private static string Octal(string path) => FileModes.Octal(File.GetUnixFileMode(path));

    [Theory]
    [InlineData("022", "none")]
    [InlineData("000", "none")]
    [InlineData("000", "gzip")]
    public async Task Archived_files_xlog_db_and_directories_are_private_whatever_the_umask(string umask, string compression)
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig($"streaming_archiver = on\nslot_name = barman\narchiver = on\ncompression = {compression}");
        foreach (var name in new[] { Seg(1, 1), Seg(1, 2) })
            File.SetUnixFileMode(h.Put(h.Streaming, name), FileModes.PrivateFile | Open);
        File.SetUnixFileMode(h.Put(h.Incoming, Seg(1, 0x100)), FileModes.PrivateFile | Open | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);
        h.Put(h.Incoming, "00000002.history");
        File.SetUnixFileMode(Path.Combine(h.Incoming, "00000002.history"), FileModes.PrivateFile | Open);
        h.Put(h.Incoming, "junk");

        var r = await RunUnder(umask, config);

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var name in new[] { Seg(1, 1), Seg(1, 0x100), "00000002.history" })
            Assert.True(File.GetUnixFileMode(h.ArchivePath(name)) == FileModes.PrivateFile, $"{name}: {Octal(h.ArchivePath(name))}");
        Assert.Equal("0600", Octal(h.Server.XlogdbFile));
        foreach (var directory in new[] { h.Server.WalsDirectory, Path.GetDirectoryName(h.ArchivePath(Seg(1, 1)))!, Path.GetDirectoryName(h.ArchivePath(Seg(1, 0x100)))!, h.Server.ErrorsDirectory })
            Assert.True(File.GetUnixFileMode(directory) == Dir, $"{directory}: {Octal(directory)}");
    }

    [Fact]
    public async Task A_run_narrows_the_archive_an_older_one_left_open()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig("archiver = on");
        var hashDirectory = Path.GetDirectoryName(h.ArchivePath(Seg(1, 1)))!;
        Directory.CreateDirectory(hashDirectory);
        File.WriteAllText(h.Server.XlogdbFile, "");
        File.SetUnixFileMode(h.Server.WalsDirectory, Dir | Open | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(hashDirectory, Dir | Open | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(h.Server.XlogdbFile, FileModes.PrivateFile | Open);
        h.Put(h.Incoming, Seg(1, 1));

        var r = await RunUnder("022", config);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("0700", Octal(h.Server.WalsDirectory));
        Assert.Equal("0700", Octal(hashDirectory));
        Assert.Equal("0600", Octal(h.Server.XlogdbFile));
        var log = File.ReadAllText(h.Dir.Combine("barman.log"));
        Assert.Contains($"barman.server WARNING: Changed the mode of '{h.Server.WalsDirectory}' from 0755 to 0700", log);
        Assert.Contains($"barman.server WARNING: Changed the mode of '{hashDirectory}' from 0755 to 0700", log);
        Assert.Contains($"barman.server WARNING: Changed the mode of '{h.Server.XlogdbFile}' from 0644 to 0600", log);
    }

    [Fact]
    public async Task The_journal_is_private_whatever_the_umask()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig("archiver = on");
        h.Put(h.Incoming, Seg(1, 1));

        var crashed = await RunUnder("000", config, new Dictionary<string, string> { [CrashPoint.Variable] = "commit-journal:1" });

        Assert.True(crashed.ExitCode == 137, crashed.ToString());
        Assert.Equal("0600", Octal(WalLayout.JournalPath(h.Server)));
        Assert.Equal("0600", Octal(h.Server.XlogdbFile));
    }
}
