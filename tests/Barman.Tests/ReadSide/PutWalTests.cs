using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ReadSide;

/// <summary><c>barman put-wal</c> through the real executable, fed tar streams as barman-wal-archive writes them.</summary>
public sealed class PutWalTests
{
    /// <summary>A PAX tar of <paramref name="files"/> followed by a checksum list (<paramref name="sums"/> overrides the computed lines).</summary>
    internal static byte[] Tar(IEnumerable<(string Name, byte[] Content)> files, bool sha256 = false, string? sums = null)
    {
        using var ms = new MemoryStream();
        var list = new StringBuilder();
        using (var writer = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), ModificationTime = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero) });
                var hash = sha256 ? SHA256.HashData(content) : MD5.HashData(content);
                list.Append(Convert.ToHexStringLower(hash)).Append(" *").Append(name).Append('\n');
            }
            var listName = sha256 ? "SHA256SUMS" : "MD5SUMS";
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, listName) { DataStream = new MemoryStream(Encoding.ASCII.GetBytes(sums ?? list.ToString())) });
        }
        return ms.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stores_verified_files_into_incoming(bool sha256)
    {
        using var h = new ReadSideHarness();
        var files = new[] { (Seg(1, 1), SegmentContent(Seg(1, 1), 1)), ("00000002.history", "1\t0/1000000\tx\n"u8.ToArray()) };

        var r = await h.RunWithInputAsync(Tar(files, sha256), "put-wal", "pg");

        Assert.True(r.ExitCode == 0 && r.Err == "" && r.Out.Length == 0, r.ToString());
        Assert.Equal([files[0].Item1, files[1].Item1], h.Archive.Names(h.Incoming));
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(h.Incoming, name);
            Assert.Equal(content, await File.ReadAllBytesAsync(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(new DateTime(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(path));
        }

        // PostgreSQL retrying after a lost answer: the same file again is success (Barman 3.13)
        r = await h.RunWithInputAsync(Tar(files, sha256), "put-wal", "pg");
        Assert.True(r.ExitCode == 0, r.ToString());

        // archive-wal takes them from there
        var archived = await Barman.Tests.Infrastructure.CliRunner.RunAsync("-c", h.Config, "archive-wal", "pg");
        Assert.True(archived.ExitCode == 0, archived.ToString());
        Assert.Equal([Seg(1, 1), "00000002.history"], h.Archive.XlogdbNames().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_put_wal_killed_mid_stream_leaves_nothing_the_next_one_keeps()
    {
        using var h = new ReadSideHarness();
        var wal = Seg(1, 1);
        var stream = Tar([(wal, SegmentContent(wal, 1))]);
        Directory.CreateDirectory(h.Incoming);

        // barman-wal-archive's stream stops half-way (ssh dropped), then put-wal is killed with SIGKILL
        var psi = new System.Diagnostics.ProcessStartInfo(Barman.Tests.Infrastructure.CliRunner.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-c", h.Config, "put-wal", "pg" })
            psi.ArgumentList.Add(a);
        using var killed = System.Diagnostics.Process.Start(psi)!;
        await killed.StandardInput.BaseStream.WriteAsync(stream.AsMemory(0, stream.Length / 2));
        await killed.StandardInput.BaseStream.FlushAsync();
        var leftover = Path.Combine(h.Incoming, $".{killed.Id}-{wal}");
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !File.Exists(leftover) && DateTime.UtcNow < deadline;)
            await Task.Delay(20);
        Barman.Core.Os.Posix.Kill(killed.Id, Barman.Core.Os.Posix.SIGKILL);
        await killed.WaitForExitAsync();
        Assert.True(File.Exists(leftover), $"no temporary file {leftover}: {string.Join(", ", h.Archive.Names(h.Incoming))}");

        // a temporary file of a run still alive (this test process stands for it) is not touched
        var live = Path.Combine(h.Incoming, $".{Environment.ProcessId}-{Seg(1, 2)}");
        await File.WriteAllBytesAsync(live, [1, 2, 3]);

        var r = await h.RunWithInputAsync(stream, "put-wal", "pg");

        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal([Path.GetFileName(live), wal], h.Archive.Names(h.Incoming));
        Assert.Equal(SegmentContent(wal, 1), await File.ReadAllBytesAsync(Path.Combine(h.Incoming, wal)));
    }

    [Fact]
    public async Task Refusals_write_nothing()
    {
        using var h = new ReadSideHarness();
        var wal = Seg(1, 1);
        var good = new[] { (wal, SegmentContent(wal, 1)) };

        async Task Refused(byte[] stream, string error)
        {
            var r = await h.RunWithInputAsync(stream, "put-wal", "pg");
            Assert.Equal(1, r.ExitCode);
            Assert.Empty(r.Out);
            Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("ERROR: " + error, r.Err, StringComparison.Ordinal);
            Assert.Empty(h.Archive.Names(h.Incoming)); // not even a hidden temporary file
        }

        await Refused(Tar(good, sums: $"{new string('0', 32)} *{wal}\n"), "Bad file checksum '");
        await Refused(Tar(good, sums: ""), $"Missing checksum for file '{wal}' in put-wal for server 'pg'");
        await Refused(Tar([("../" + wal, SegmentContent(wal, 1))]), $"Unsupported filename '../{wal}' in put-wal for server 'pg'");
        await Refused(Tar([("sub/" + wal, SegmentContent(wal, 1))]), $"Unsupported filename 'sub/{wal}' in put-wal for server 'pg'");
        await Refused([], "Empty input stream in put-wal for server 'pg'");
        var truncated = Tar(good);
        await Refused(truncated[..(truncated.Length / 2)], "Malformed tar stream in put-wal for server 'pg'");
        await Refused(Encoding.ASCII.GetBytes(new string('x', 2048)), "Malformed tar stream in put-wal for server 'pg'");

        // a different file under a name already in incoming/: Barman's error, the file there is kept
        h.Archive.Put(h.Incoming, wal, SegmentContent(wal, 2));
        var r = await h.RunWithInputAsync(Tar(good), "put-wal", "pg");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"ERROR: Impossible to write already existing file '{wal}' in put-wal for server 'pg'\n", r.Err);
        Assert.Equal(SegmentContent(wal, 2), await File.ReadAllBytesAsync(Path.Combine(h.Incoming, wal)));
        Assert.Equal([wal], h.Archive.Names(h.Incoming));

        r = await h.RunAsync("put-wal", "-t", "pg");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Ready to accept WAL files for the server pg\n", r.Text);
    }
}
