using System.Diagnostics;
using System.Text.RegularExpressions;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

/// <summary>
/// The order of archive-wal's durable steps, read from the system calls of the REAL executable
/// under strace: a file's data is fsynced before the rename that makes it the archive file; the
/// commit journal is durable before the first rename; each touched hash directory is fsynced once
/// per chunk, after the renames and before the xlog.db append; xlog.db is fsynced before any source
/// is unlinked; the source directory is fsynced before the journal goes.
/// </summary>
public sealed partial class DurabilityOrderTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    public async Task Archive_wal_makes_each_step_durable_before_the_next(string? compression)
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig("streaming_archiver = on\nslot_name = barman" + (compression is null ? "" : $"\ncompression = {compression}"));
        string[] segments = [Seg(1, 1), Seg(1, 2), Seg(1, 3)];
        foreach (var name in segments)
            h.Put(h.Streaming, name);
        h.Put(h.Streaming, Seg(1, 4) + ".partial");
        var trace = h.Dir.Combine("strace.txt");

        var (code, err) = await RunStracedAsync(trace, CliRunner.ExecutablePath, "-c", config, "archive-wal", "pg");

        Assert.True(code == 0, err);
        Assert.Equal(segments, h.XlogdbNames());
        var events = ReadTrace(trace, h.Dir.Path);
        var hashDir = Path.Combine(h.Server.WalsDirectory, "0000000100000000");
        var journal = Path.Combine(h.Server.WalsDirectory, ".pg-archive.journal");
        var xlogdb = h.Server.XlogdbFile;

        var renames = events.Select((e, i) => (e, i)).Where(x => x.e.Call == "rename" && Path.GetDirectoryName(x.e.Target) == hashDir).ToList();
        Assert.Equal(segments.Select(s => Path.Combine(hashDir, s)), renames.Select(r => r.e.Target));
        foreach (var (rename, at) in renames)
        {
            // the renamed file's data is on disk first (the compressed temp, or the plain source itself)
            Assert.True(IndexOf(events, "fsync", rename.Path) is >= 0 and var synced && synced < at, $"no fsync of {rename.Path} before its rename");
            if (compression is null)
                Assert.Equal(Path.Combine(h.Streaming, Path.GetFileName(rename.Target!)), rename.Path);
        }
        var firstRename = renames[0].i;
        var lastRename = renames[^1].i;

        var commitJournal = events.FindLastIndex(firstRename, e => e.Call == "rename" && e.Target == journal);
        Assert.True(commitJournal >= 0, "no journal before the renames");
        Assert.True(IndexOf(events, "fsync", h.Server.WalsDirectory, commitJournal) is var dirSync && dirSync > commitJournal && dirSync < firstRename,
            "the journal's directory is not fsynced before the first rename");
        if (compression is not null)
        {
            var firstTemp = events.FindIndex(e => e.Call == "create" && e.Path.EndsWith(".tmp", StringComparison.Ordinal) && e.Path.StartsWith(hashDir, StringComparison.Ordinal));
            var prepareJournal = events.FindIndex(e => e.Call == "rename" && e.Target == journal);
            Assert.True(prepareJournal >= 0 && prepareJournal < firstTemp, "temporary files created before the prepare journal");
        }

        var hashDirSyncs = Indexes(events, "fsync", hashDir);
        Assert.Single(hashDirSyncs); // one fsync per touched directory per chunk
        var append = IndexOf(events, "write", xlogdb);
        Assert.True(hashDirSyncs[0] > lastRename && hashDirSyncs[0] < append, "the hash directory is not fsynced between the renames and the xlog.db append");
        var xlogdbSync = IndexOf(events, "fsync", xlogdb, append);
        Assert.True(xlogdbSync > append, "xlog.db is not fsynced after the append");

        var sourceUnlinks = events.Select((e, i) => (e, i)).Where(x => x.e.Call == "unlink" && Path.GetDirectoryName(x.e.Path) == h.Streaming).Select(x => x.i).ToList();
        Assert.Equal(compression is null ? 0 : segments.Length, sourceUnlinks.Count);
        Assert.All(sourceUnlinks, i => Assert.True(i > xlogdbSync, "a source was unlinked before xlog.db was durable"));
        var sourceDirSync = IndexOf(events, "fsync", h.Streaming, xlogdbSync);
        Assert.True(sourceDirSync > sourceUnlinks.DefaultIfEmpty(xlogdbSync).Max(), "the source directory is not fsynced after the unlinks");
        var journalUnlink = events.FindIndex(e => e.Call == "unlink" && e.Path == journal);
        Assert.True(journalUnlink > sourceDirSync, "the journal went before the source directory was durable");
        Assert.True(IndexOf(events, "fsync", h.Server.WalsDirectory, journalUnlink) > journalUnlink, "the journal's removal is not fsynced");
    }

    private sealed record Event(string Call, string Path, string? Target = null);

    private static int IndexOf(List<Event> events, string call, string path, int after = -1) =>
        events.FindIndex(after + 1, e => e.Call == call && e.Path == path);

    private static List<int> Indexes(List<Event> events, string call, string path) =>
        [.. events.Select((e, i) => (e, i)).Where(x => x.e.Call == call && x.e.Path == path).Select(x => x.i)];

    private static async Task<(int Code, string Err)> RunStracedAsync(string trace, params string[] command)
    {
        var psi = new ProcessStartInfo("strace") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-f", "-y", "-qq", "-s", "64", "-o", trace, "-e", "trace=fsync,fdatasync,rename,renameat,renameat2,unlink,unlinkat,openat,write,pwrite64", .. command])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        await stdout;
        return (p.ExitCode, await stderr);
    }

    [GeneratedRegex(@"^(\d+)\s+(.*)$")]
    private static partial Regex PidLine();

    [GeneratedRegex(@"^<\.\.\. (\w+) resumed>(.*)$")]
    private static partial Regex Resumed();

    [GeneratedRegex(@"^(fsync|fdatasync|write|pwrite64)\(\d+<([^>]*)>")]
    private static partial Regex FdCall();

    [GeneratedRegex(@"^(?:rename|renameat2?)\((?:[^,]*, )?""([^""]*)"", (?:[^,]*, )?""([^""]*)""")]
    private static partial Regex RenameCall();

    [GeneratedRegex(@"^(?:unlink|unlinkat)\((?:[^,]*, )?""([^""]*)""")]
    private static partial Regex UnlinkCall();

    [GeneratedRegex(@"^openat\([^,]*, ""([^""]*)"", [^,)]*O_CREAT")]
    private static partial Regex CreateCall();

    /// <summary>
    /// The successful calls on paths under <paramref name="root"/>, in the order they completed
    /// (a call interrupted by another thread counts where it resumed).
    /// </summary>
    private static List<Event> ReadTrace(string trace, string root)
    {
        var events = new List<Event>();
        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadLines(trace))
        {
            var m = PidLine().Match(raw);
            if (!m.Success)
                continue;
            var (pid, line) = (m.Groups[1].Value, m.Groups[2].Value);
            if (line.EndsWith("<unfinished ...>", StringComparison.Ordinal))
            {
                pending[pid] = line[..^"<unfinished ...>".Length];
                continue;
            }
            if (Resumed().Match(line) is { Success: true } resumed)
            {
                if (!pending.Remove(pid, out var start))
                    continue;
                line = start + resumed.Groups[2].Value;
            }
            if (!Regex.IsMatch(line, @"\) += (\d+)"))
                continue; // failed, or still running at exit
            Event? e = FdCall().Match(line) is { Success: true } fd ? new(fd.Groups[1].Value is "fdatasync" or "fsync" ? "fsync" : "write", fd.Groups[2].Value)
                : RenameCall().Match(line) is { Success: true } r ? new("rename", r.Groups[1].Value, r.Groups[2].Value)
                : UnlinkCall().Match(line) is { Success: true } u ? new("unlink", u.Groups[1].Value)
                : CreateCall().Match(line) is { Success: true } c ? new("create", c.Groups[1].Value)
                : null;
            if (e is not null && e.Path.StartsWith(root + "/", StringComparison.Ordinal))
                events.Add(e);
        }
        return events;
    }
}
