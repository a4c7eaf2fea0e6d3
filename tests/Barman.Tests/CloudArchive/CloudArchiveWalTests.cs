using Barman.Tests.Infrastructure;
using Barman.Tests.ObjectStore;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.CloudArchive;

/// <summary>
/// archive-wal with <c>wals_directory</c> on a real object store (s3rver, Azurite): barman-cloud's
/// layout for every compression, xlog.db and the queues local, duplicates both ways, what we archive
/// restored by Debian's barman-cloud-wal-restore, refused credentials, and check's store item.
/// </summary>
public abstract class CloudArchiveWalTests(CloudTarget target)
{
    private static readonly string[] Archived = [Seg(1, 1), Seg(1, 2), "00000002.history", Seg(2, 4)];

    [Theory]
    [InlineData(null, "")]
    [InlineData("gzip", ".gz")]
    [InlineData("bzip2", ".bz2")]
    [InlineData("lz4", ".lz4")]
    [InlineData("zstd", ".zst")]
    public async Task Archive_wal_uploads_in_barman_clouds_layout_and_keeps_xlogdb_and_the_queues_local(string? compression, string extension)
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync(compression is null ? "" : $"compression = {compression}");
        var contents = new Dictionary<string, byte[]>();
        foreach (var name in new[] { Seg(1, 1), Seg(1, 2), Seg(1, 3) + ".partial" })
            contents[name] = File.ReadAllBytes(a.Put(a.Streaming, name, CloudArchive.Content(name)));
        foreach (var name in new[] { "00000002.history", Seg(2, 4) })
            contents[name] = File.ReadAllBytes(a.Put(a.Incoming, name, CloudArchive.Content(name)));

        var run = await a.RunAsync("archive-wal", "pg");

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = Archived.Select(n => CloudArchive.KeyOf(n, extension)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await a.ObjectsAsync());
        foreach (var name in Archived)
            Assert.Equal(contents[name], await a.ContentAsync(CloudArchive.KeyOf(name, extension)));
        Assert.Equal(Archived.Order(StringComparer.Ordinal), a.XlogdbNames().Order(StringComparer.Ordinal));
        Assert.All(File.ReadAllLines(a.Xlogdb), line => Assert.EndsWith("\t" + (compression ?? "None"), line));
        // the newest .partial stays for pg_receivewal; nothing else is left locally, no local archive appeared
        Assert.Equal([Seg(1, 3) + ".partial"], CloudArchive.Names(a.Streaming));
        Assert.Empty(CloudArchive.Names(a.Incoming));
        Assert.False(Directory.Exists(a.Dir.Combine("pg", "wals")));
        Assert.Empty(CloudArchive.Names(a.Dir.Combine("pg", ".pg-staging")));
    }

    [Fact]
    public async Task An_identical_object_counts_as_archived_and_a_different_one_is_never_overwritten()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync("compression = zstd");
        var same = AsValidWal(CloudArchive.Content("same"), Seg(1, 5));
        var ours = CloudArchive.Content("ours");
        var theirs = CloudArchive.Content("theirs");
        // what barman-cloud-wal-archive (plain) left there
        await a.Store.PutIfAbsentAsync(a.Prefix + CloudArchive.KeyOf(Seg(1, 5)), new MemoryStream(same), default);
        await a.Store.PutIfAbsentAsync(a.Prefix + CloudArchive.KeyOf(Seg(1, 6)), new MemoryStream(theirs), default);
        a.Put(a.Streaming, Seg(1, 5), same);
        a.Put(a.Streaming, Seg(1, 6), ours);
        a.Put(a.Streaming, Seg(1, 7), CloudArchive.Content("new"));
        a.Put(a.Streaming, Seg(1, 8) + ".partial", CloudArchive.Content("partial"));

        var run = await a.RunAsync("archive-wal", "pg");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{Seg(1, 6)} is already present in server pg. File moved to errors directory.", run.Out);
        Assert.Equal([CloudArchive.KeyOf(Seg(1, 5)), CloudArchive.KeyOf(Seg(1, 6)), CloudArchive.KeyOf(Seg(1, 7), ".zst")], await a.ObjectsAsync());
        Assert.Equal(same, await a.ContentAsync(CloudArchive.KeyOf(Seg(1, 5))));
        Assert.Equal(theirs, await a.ContentAsync(CloudArchive.KeyOf(Seg(1, 6))));
        var duplicate = Assert.Single(CloudArchive.Names(a.Errors));
        Assert.Matches($"^{Seg(1, 6)}\\.\\d{{8}}T\\d{{6}}Z\\.duplicate$", duplicate);
        Assert.Equal(ours, File.ReadAllBytes(Path.Combine(a.Errors, duplicate)));
        Assert.Equal([Seg(1, 7)], a.XlogdbNames());
        Assert.Equal([Seg(1, 8) + ".partial"], CloudArchive.Names(a.Streaming));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    public async Task Barman_cloud_wal_restore_restores_what_archive_wal_uploaded(string? compression)
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync(compression is null ? "" : $"compression = {compression}");
        var segment = a.Put(a.Streaming, Seg(3, 0x1FF), CloudArchive.Content("restore me", 1 << 20));
        a.Put(a.Streaming, Seg(3, 0x200) + ".partial", CloudArchive.Content("partial"));
        var history = a.Put(a.Incoming, "00000003.history", "1\t0/3000000\tno recovery target specified\n"u8.ToArray());
        var expected = new[] { File.ReadAllBytes(segment), File.ReadAllBytes(history) };
        var run = await a.RunAsync("archive-wal", "pg");
        Assert.True(run.ExitCode == 0, run.ToString());

        string[] names = [Seg(3, 0x1FF), "00000003.history"];
        for (var i = 0; i < names.Length; i++)
        {
            var destination = a.Dir.Combine("restored-" + names[i]);
            await BarmanCloud.RunAsync(BarmanCloud.Restore, target.Environment, [.. target.BarmanCloudOptions, target.Url(a.PathInStore), "pg", names[i], destination]);
            Assert.Equal(expected[i], File.ReadAllBytes(destination));
        }
    }

    [Fact]
    public async Task Refused_credentials_give_one_error_naming_the_store_and_delete_nothing()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync("compression = gzip");
        a.Put(a.Streaming, Seg(1, 1), CloudArchive.Content("a"));
        a.Put(a.Incoming, Seg(1, 2), CloudArchive.Content("b"));

        var run = await a.RunAsync(target.WrongCredentials, "archive-wal", "pg");

        Assert.NotEqual(0, run.ExitCode);
        var error = Assert.Single(run.Err.Split('\n'), l => l.StartsWith("ERROR:", StringComparison.Ordinal));
        Assert.Contains(target.StoreName, error);
        Assert.Contains("access denied", error);
        Assert.Equal([Seg(1, 1)], CloudArchive.Names(a.Streaming));
        Assert.Equal([Seg(1, 2)], CloudArchive.Names(a.Incoming));
        Assert.Empty(await a.ObjectsAsync());
        Assert.Empty(a.XlogdbNames());
        var everything = run.Out + run.Err + File.ReadAllText(a.Dir.Combine("barman.log"));
        Assert.DoesNotContain(target.WrongSecret, everything);

        var check = await a.RunAsync(target.WrongCredentials, "check", "pg");
        Assert.Contains("\tarchive object store: FAILED (", check.Out);
        Assert.Contains("access denied", check.Out);
        Assert.DoesNotContain(target.WrongSecret, check.Out + check.Err);
    }

    [Fact]
    public async Task Check_says_the_store_is_writable_and_reads_the_archive_there()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync();
        a.Put(a.Streaming, Seg(1, 1), CloudArchive.Content("1"));
        a.Put(a.Streaming, Seg(1, 3), CloudArchive.Content("3"));
        a.Put(a.Streaming, Seg(1, 4) + ".partial", CloudArchive.Content("4"));
        Assert.Equal(0, (await a.RunAsync("archive-wal", "pg")).ExitCode);

        var check = await a.RunAsync("check", "pg");

        Assert.Contains("\tarchive object store: OK", check.Out);
        // the continuity item lists the store: the gap shows
        Assert.Contains($"\twal continuity: FAILED (the first missing WAL file is {Seg(1, 2)})", check.Out);
        // the probe object is gone again
        Assert.Equal([CloudArchive.KeyOf(Seg(1, 1)), CloudArchive.KeyOf(Seg(1, 3))], await a.ObjectsAsync());
    }
}

[Collection(S3rverCollection.Name)]
public sealed class S3ArchiveWalTests(S3rverServer server) : CloudArchiveWalTests(new S3Target(server));

[Collection(AzuriteCollection.Name)]
public sealed class AzureArchiveWalTests(AzuriteServer server) : CloudArchiveWalTests(new AzureTarget(server));
