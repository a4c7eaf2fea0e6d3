using Barman.Tests.ArchiveWal;
using Barman.Tests.Infrastructure;
using Barman.Tests.ReadSide;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.Durability;

/// <summary>
/// put-wal under strace: each received file is written under a hidden temporary name (invisible to
/// archive-wal), fsynced, renamed to its name in incoming/, and incoming/ fsynced: a kill -9 or a power
/// loss at any instant leaves whole files or hidden temporaries, and PostgreSQL's retry completes it.
/// </summary>
public sealed class PutWalDurabilityTests
{
    [Fact]
    public async Task Put_wal_publishes_each_file_durably_in_incoming()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig("archiver = on");
        string[] names = [Seg(1, 1), Seg(1, 2)];
        var tar = h.Dir.Combine("in.tar");
        await File.WriteAllBytesAsync(tar, PutWalTests.Tar(names.Select(n => (n, Content(1)))));
        var output = Path.Combine(Path.GetTempPath(), $"barman-strace-{Guid.NewGuid():N}.txt");
        SyscallTrace trace;
        CliResult result;
        try
        {
            // sh feeds the tar on stdin, then becomes barman ($0) under the same strace
            result = await CliRunner.RunProcessAsync(["-c", config, "put-wal", "pg"], TimeSpan.FromSeconds(120), launcher:
                [.. SyscallTrace.Launcher(output), "sh", "-c", $"exec \"$0\" \"$@\" < '{tar}'"]);
            trace = SyscallTrace.Parse(File.ReadLines(output), h.Dir.Path);
        }
        finally
        {
            File.Delete(output);
        }

        Assert.True(result.ExitCode == 0, result.ToString());
        var rules = new DurabilityRules(trace);
        foreach (var name in names)
        {
            var path = Path.Combine(h.Incoming, name);
            var entry = rules.EntryOf(path);
            Assert.Equal(FsCall.Rename, entry.Call);
            Assert.StartsWith(".", Path.GetFileName(entry.Path), StringComparison.Ordinal);
            rules.Published(path);
        }
    }
}
