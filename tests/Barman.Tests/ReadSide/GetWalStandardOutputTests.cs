using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ReadSide;

/// <summary>
/// get-wal's standard output as restore_command gives it (<c>&gt; %p</c>: a regular file, written
/// directly and truncated back on failure) and as ssh gives it (a pipe), and the kernel copy of a
/// plain segment (copy_file_range to a file, sendfile to a pipe), seen with strace.
/// </summary>
public sealed class GetWalStandardOutputTests
{
    private const string Previous = "bytes already in the file\n";

    private static ReadSideHarness HarnessFor(string compression) =>
        new(compression == "none" ? "archiver = on" : $"archiver = on\ncompression = {compression}");

    /// <summary>Runs the real executable through sh with standard output redirected (<c>&gt;</c> or <c>&gt;&gt;</c>) into <paramref name="file"/>.</summary>
    private static Task<BinaryResult> RunToFileAsync(ReadSideHarness h, string redirection, string file, params string[] args) =>
        ReadSideHarness.RunProgramAsync("/bin/sh", ["-c", $"exec \"$0\" \"$@\" {redirection} \"$BARMAN_TEST_OUT\"", CliRunner.ExecutablePath, "-c", h.Config, .. args],
            environment: new Dictionary<string, string> { ["BARMAN_TEST_OUT"] = file });

    [Theory]
    [InlineData("none", "truncated")]
    [InlineData("gzip", "truncated")]
    [InlineData("gzip", "corrupted")]
    [InlineData("zstd", "corrupted")]
    public async Task A_damaged_archive_file_leaves_a_standard_output_file_at_its_starting_length(string compression, string damage)
    {
        using var h = HarnessFor(compression);
        var wal = Seg(1, 2);
        var original = WholeSegment(wal, 5, 4 << 20);
        await h.ArchiveAsync((wal, original));
        var restored = h.Archive.Dir.Combine("RECOVERYXLOG");

        // the direct write: the whole segment, into a fresh file and after what a file held
        var r = await RunToFileAsync(h, ">", restored, "get-wal", "pg", wal);
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal(original, await File.ReadAllBytesAsync(restored));
        await File.WriteAllTextAsync(restored, Previous);
        r = await RunToFileAsync(h, ">>", restored, "get-wal", "pg", wal);
        Assert.True(r.ExitCode == 0, r.ToString());
        byte[] appended = [.. System.Text.Encoding.UTF8.GetBytes(Previous), .. original];
        Assert.Equal(appended, await File.ReadAllBytesAsync(restored));

        var path = h.Archive.ArchivePath(wal);
        var stored = await File.ReadAllBytesAsync(path);
        if (damage == "truncated")
        {
            stored = stored[..(stored.Length * 3 / 4)];
        }
        else
        {
            // past the first megabytes of output: the failure comes after much was written
            for (var i = stored.Length * 3 / 4; i < (stored.Length * 3 / 4) + 64; i++)
                stored[i] ^= 0x5A;
        }
        await File.WriteAllBytesAsync(path, stored);

        r = await RunToFileAsync(h, ">", restored, "get-wal", "pg", wal);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"ERROR: Unable to send WAL '{wal}' for server 'pg' to standard output: {path}: ", r.Err, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(restored).Length);

        await File.WriteAllTextAsync(restored, Previous);
        r = await RunToFileAsync(h, ">>", restored, "get-wal", "pg", wal);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(Previous, await File.ReadAllTextAsync(restored));
    }

    [Fact]
    public async Task A_plain_segment_is_copied_in_the_kernel_to_a_file_and_to_a_pipe()
    {
        using var h = HarnessFor("none");
        var wal = Seg(1, 4);
        var original = WholeSegment(wal, 9, 1 << 20);
        await h.ArchiveAsync((wal, original));
        var restored = h.Archive.Dir.Combine("RECOVERYXLOG");
        var trace = h.Archive.Dir.Combine("trace");
        string[] strace = ["/usr/bin/strace", "-f", "-e", "trace=copy_file_range,sendfile,splice", "-o", trace];

        var r = await ReadSideHarness.RunProgramAsync("/bin/sh", ["-c", "exec \"$@\" > \"$BARMAN_TEST_OUT\"", "sh", .. strace, CliRunner.ExecutablePath, "-c", h.Config, "get-wal", "pg", wal],
            environment: new Dictionary<string, string> { ["BARMAN_TEST_OUT"] = restored });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(original, await File.ReadAllBytesAsync(restored));
        var calls = await File.ReadAllTextAsync(trace);
        Assert.Matches(@"copy_file_range\(\d+, \[0\], 1, NULL, 1048576, 0\) = 1048576", calls);

        // a pipe (ssh, barman-wal-restore): sendfile of the whole segment after its length was checked
        r = await ReadSideHarness.RunProgramAsync(strace[0], [.. strace[1..], CliRunner.ExecutablePath, "-c", h.Config, "get-wal", "pg", wal]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(original, r.Out);
        calls = await File.ReadAllTextAsync(trace);
        // the whole segment asked for from its start, sent in pipe-sized pieces
        Assert.Matches(@"sendfile\(1, \d+, \[0\] => \[\d+\], 1048576\) = \d+", calls);
        var sent = System.Text.RegularExpressions.Regex.Matches(calls, @"sendfile\(1, .*\) = (\d+)").Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1 << 20, sent);
        Assert.DoesNotContain("copy_file_range", calls, StringComparison.Ordinal);
    }
}
