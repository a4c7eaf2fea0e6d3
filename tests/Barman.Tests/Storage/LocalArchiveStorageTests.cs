using Barman.Core.Os;
using Barman.Core.Storage;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Storage;

/// <summary>The local driver of the archive storage, on a real directory.</summary>
public sealed class LocalArchiveStorageTests
{
    private static readonly ArchiveKey Segment = new("0000000100000000", "000000010000000000000001");
    private static readonly ArchiveKey History = new("", "00000002.history");
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Stats_lists_reads_and_removes_what_is_on_disk()
    {
        using var dir = new TempDir();
        var storage = new LocalArchiveStorage(dir.Combine("wals"));
        Assert.Empty(await storage.ListAsync("", None));
        Assert.Null(await storage.StatAsync(Segment, None));

        dir.Write("wals/0000000100000000/000000010000000000000001", "segment");
        dir.Write("wals/00000002.history", "history");
        dir.Write("wals/.pg-archive.journal", "journal");
        var status = FileCalls.Lstat(storage.Locate(Segment))!.Value;

        Assert.Equal(dir.Combine("wals", "0000000100000000", "000000010000000000000001"), storage.Locate(Segment));
        Assert.Equal(dir.Combine("wals", "00000002.history"), storage.Locate(History));
        Assert.Equal([new(".pg-archive.journal", false), new("0000000100000000", true), new("00000002.history", false)], await storage.ListAsync("", None));
        Assert.Empty(await storage.ListAsync("0000000200000000", None));
        Assert.Equal(new StoredObject(Segment, 7, status.PythonMtime), await storage.StatAsync(Segment, None));
        Assert.Equal([new StoredObject(Segment, 7, status.PythonMtime)], await storage.ListObjectsAsync(Segment.Directory, None));
        Assert.Equal(["00000002.history"], (await storage.ListObjectsAsync("", None)).Select(o => o.Key.Name).Where(n => !n.StartsWith('.')));
        await using (var stream = await storage.OpenReadAsync(History, None))
            Assert.Equal("history", await new StreamReader(stream).ReadToEndAsync());

        await storage.RemoveAsync(Segment, None);
        await storage.RemoveAsync(Segment, None);
        await storage.RemoveAsync(new ArchiveKey("0000000300000000", "000000030000000000000001"), None);
        Assert.Null(await storage.StatAsync(Segment, None));
    }

    [Fact]
    public async Task Publishes_a_staged_copy_and_a_moved_source_never_replacing_and_withdraws_both()
    {
        using var dir = new TempDir();
        var storage = new LocalArchiveStorage(dir.Combine("wals"));
        var copied = dir.Write("queue/000000010000000000000001", "plain one");
        var moved = dir.Write("queue/00000002.history", "history");
        File.SetUnixFileMode(copied, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var copiedStatus = FileCalls.Lstat(copied)!.Value;

        var size = await storage.StageAsync(Segment, copiedStatus, (s, ct) => s.WriteAsync("staged"u8.ToArray(), ct).AsTask(), None);
        await storage.StageSourceAsync(History, moved, None);

        Assert.Equal(6, size);
        var staged = FileCalls.Lstat(storage.StagingPath(Segment))!.Value;
        Assert.Equal((copiedStatus.Mode, copiedStatus.MtimeSeconds, copiedStatus.MtimeNanoseconds), (staged.Mode, staged.MtimeSeconds, staged.MtimeNanoseconds));
        Assert.Null(await storage.StatAsync(Segment, None)); // staged is not published

        var publication = storage.BeginPublication();
        Assert.False(await publication.PublishAsync(Segment, copied, copiedStatus, staged: true, None));
        Assert.True(await publication.PublishAsync(History, moved, FileCalls.Lstat(moved)!.Value, staged: false, None));
        await publication.FlushAsync(None);

        Assert.Equal("staged", File.ReadAllText(storage.Locate(Segment)));
        Assert.False(File.Exists(storage.StagingPath(Segment)));
        Assert.True(File.Exists(copied)); // the caller removes a copied source once recorded
        Assert.Equal("history", File.ReadAllText(storage.Locate(History)));
        Assert.False(File.Exists(moved));

        var again = dir.Write("queue/again", "other");
        var e = await Assert.ThrowsAsync<IOException>(() => storage.BeginPublication().PublishAsync(Segment, again, FileCalls.Lstat(again)!.Value, staged: false, None).AsTask());
        Assert.Equal(FileCalls.EEXIST, e.HResult);
        Assert.Equal("staged", File.ReadAllText(storage.Locate(Segment)));
        Assert.True(File.Exists(again));

        await publication.WithdrawAsync(None);
        Assert.Null(await storage.StatAsync(Segment, None));
        Assert.Null(await storage.StatAsync(History, None));
        Assert.Equal("history", File.ReadAllText(moved));
    }

    [Fact]
    public async Task Discarding_a_staged_copy_is_idempotent()
    {
        using var dir = new TempDir();
        var storage = new LocalArchiveStorage(dir.Combine("wals"));
        await storage.DiscardStagedAsync(Segment, None); // neither the copy nor its directory exist
        await storage.StageAsync(Segment, FileCalls.Lstat(dir.Write("src", "x"))!.Value, (s, ct) => Task.CompletedTask, None);
        Assert.True(File.Exists(storage.StagingPath(Segment)));
        await storage.DiscardStagedAsync(Segment, None);
        await storage.DiscardStagedAsync(Segment, None);
        Assert.False(File.Exists(storage.StagingPath(Segment)));
    }
}
