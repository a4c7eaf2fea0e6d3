using System.Net;
using System.Net.Sockets;
using Barman.Core.Storage.ObjectStore;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ObjectStore;

/// <summary>
/// What every <see cref="IObjectStore"/> driver must do, run against a real local server of its
/// kind (s3rver, Azurite). Each test works under its own random prefix.
/// </summary>
public abstract class ObjectStoreContract
{
    protected readonly string Prefix = $"t-{Guid.NewGuid():N}/";

    /// <summary>The smallest part the store accepts in a multipart/block upload.</summary>
    protected abstract int SmallPartSize { get; }

    /// <summary>A store on the shared server; <paramref name="partSize"/>/<paramref name="pageSize"/> null: the driver's defaults.</summary>
    internal abstract IObjectStore Open(int? partSize = null, int? pageSize = null);

    internal abstract IObjectStore OpenWithWrongCredentials();

    /// <summary>The secret of <see cref="OpenWithWrongCredentials"/>, which no message may show.</summary>
    protected abstract string WrongSecret { get; }

    /// <summary>A server of this kind for one test (to stop and restart).</summary>
    internal abstract LocalStoreServer NewServer();

    /// <summary>A store on <paramref name="server"/> (ready to use: bucket or container created) with no retries and short timeouts.</summary>
    internal abstract Task<IObjectStore> OpenOnAsync(LocalStoreServer server);

    /// <summary>A store at <paramref name="endpoint"/> with no retries and a 1 s request timeout.</summary>
    internal abstract IObjectStore OpenImpatient(Uri endpoint);

    [Fact]
    public async Task Put_if_absent_creates_once_and_keeps_the_first_object()
    {
        await using var store = Open();
        var first = TestStreams.Bytes(1000, 1);
        var second = TestStreams.Bytes(2000, 2);

        var created = await store.PutIfAbsentAsync(Prefix + "k", new MemoryStream(first), default);
        var refused = await store.PutIfAbsentAsync(Prefix + "k", new MemoryStream(second), default);

        Assert.True(created.Created);
        Assert.Equal(1000, created.Object.Size);
        Assert.False(refused.Created);
        Assert.Equal(1000, refused.Object.Size);
        await using var read = await store.OpenReadAsync(Prefix + "k", default);
        Assert.Equal(first, await TestStreams.ReadAllAsync(read));
    }

    [Fact]
    public async Task Identical_content_written_again_is_refused_and_shows_the_same_size_and_hash()
    {
        await using var store = Open();
        var bytes = TestStreams.Bytes(4096, 3);

        var created = await store.PutIfAbsentAsync(Prefix + "same", new MemoryStream(bytes), default);
        var again = await store.PutIfAbsentAsync(Prefix + "same", new MemoryStream(bytes), default);

        Assert.True(created.Created);
        Assert.False(again.Created);
        Assert.Equal(bytes.Length, again.Object.Size);
        Assert.Equal(created.Object.ETag, again.Object.ETag);
        Assert.Equal(TestStreams.Md5(bytes), again.Object.ContentMd5);
    }

    [Fact]
    public async Task A_seekable_stream_is_stored_from_its_position_byte_for_byte()
    {
        await using var store = Open();
        var bytes = TestStreams.Bytes(3 << 20, 4);
        var source = new MemoryStream(bytes) { Position = 1000 };

        var put = await store.PutIfAbsentAsync(Prefix + "seg", source, default);

        Assert.True(put.Created);
        var stat = await store.StatAsync(Prefix + "seg", default);
        Assert.NotNull(stat);
        Assert.Equal(bytes.Length - 1000, stat.Size);
        Assert.True(stat.LastModified > DateTimeOffset.UtcNow.AddMinutes(-10), $"{stat.LastModified}");
        await using var read = await store.OpenReadAsync(Prefix + "seg", default);
        Assert.Equal(bytes[1000..], await TestStreams.ReadAllAsync(read));
    }

    [Fact]
    public async Task A_long_unseekable_stream_goes_up_in_parts_and_reads_back_identical()
    {
        await using var store = Open(partSize: SmallPartSize);
        var bytes = TestStreams.Bytes(SmallPartSize * 3 + 12345, 5);

        var put = await store.PutIfAbsentAsync(Prefix + "big", new TestStreams.Unseekable(bytes), default);

        Assert.True(put.Created);
        Assert.Equal(bytes.Length, put.Object.Size);
        Assert.Equal(bytes.Length, (await store.StatAsync(Prefix + "big", default))!.Size);
        await using var read = await store.OpenReadAsync(Prefix + "big", default);
        Assert.Equal(bytes, await TestStreams.ReadAllAsync(read));
    }

    [Fact]
    public async Task A_short_unseekable_stream_goes_up_in_one_request()
    {
        await using var store = Open(partSize: SmallPartSize);
        var bytes = TestStreams.Bytes(SmallPartSize - 1, 6);

        var put = await store.PutIfAbsentAsync(Prefix + "small", new TestStreams.Unseekable(bytes), default);

        Assert.True(put.Created);
        // a single request stores the MD5 the store vouches for; a multipart/block upload does not
        Assert.Equal(TestStreams.Md5(bytes), (await store.StatAsync(Prefix + "small", default))!.ContentMd5);
    }

    [Fact]
    public async Task A_multipart_upload_never_replaces_an_existing_object()
    {
        await using var store = Open(partSize: SmallPartSize);
        var first = TestStreams.Bytes(100, 7);
        var big = TestStreams.Bytes(SmallPartSize * 2 + 1, 8);

        await store.PutIfAbsentAsync(Prefix + "k", new MemoryStream(first), default);
        var refused = await store.PutIfAbsentAsync(Prefix + "k", new TestStreams.Unseekable(big), default);

        Assert.False(refused.Created);
        await using var read = await store.OpenReadAsync(Prefix + "k", default);
        Assert.Equal(first, await TestStreams.ReadAllAsync(read));
    }

    [Fact]
    public async Task Listing_walks_every_page_in_key_order_and_stays_in_its_prefix()
    {
        await using var store = Open(pageSize: 2);
        var names = new[] { "d", "a", "c/x", "e", "b" };
        foreach (var n in names)
            await store.PutIfAbsentAsync(Prefix + "p/" + n, new MemoryStream(TestStreams.Bytes(n.Length, 9)), default);
        await store.PutIfAbsentAsync(Prefix + "q", new MemoryStream([1]), default);

        var listed = new List<ObjectInfo>();
        await foreach (var o in store.ListAsync(Prefix + "p/", default))
            listed.Add(o);

        Assert.Equal(names.Order(StringComparer.Ordinal).Select(n => Prefix + "p/" + n), listed.Select(o => o.Key));
        Assert.All(listed, o => Assert.Equal(o.Key.Length - Prefix.Length - 2, o.Size));
        Assert.Empty(await ToListAsync(store.ListAsync(Prefix + "nothing/", default)));
    }

    [Fact]
    public async Task Delete_removes_the_object_and_a_second_delete_is_not_an_error()
    {
        await using var store = Open();
        await store.PutIfAbsentAsync(Prefix + "gone", new MemoryStream([1, 2, 3]), default);

        await store.DeleteAsync(Prefix + "gone", default);
        await store.DeleteAsync(Prefix + "gone", default);

        Assert.Null(await store.StatAsync(Prefix + "gone", default));
        Assert.True((await store.PutIfAbsentAsync(Prefix + "gone", new MemoryStream([4]), default)).Created);
    }

    [Fact]
    public async Task A_missing_object_is_null_to_stat_and_NotFound_to_read()
    {
        await using var store = Open();

        Assert.Null(await store.StatAsync(Prefix + "missing", default));
        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => store.OpenReadAsync(Prefix + "missing", default));

        Assert.Equal(ObjectStoreErrorKind.NotFound, e.Kind);
        Assert.StartsWith(store.Name + ": cannot read " + Prefix + "missing: not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_credentials_are_AccessDenied_naming_the_store_and_never_the_secret()
    {
        await using var store = OpenWithWrongCredentials();

        var put = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutIfAbsentAsync(Prefix + "k", new MemoryStream([1]), default));
        var list = await Assert.ThrowsAsync<ObjectStoreException>(() => ToListAsync(store.ListAsync(Prefix, default)));

        foreach (var e in new[] { put, list })
        {
            Assert.Equal(ObjectStoreErrorKind.AccessDenied, e.Kind);
            Assert.False(e.IsTransient);
            Assert.StartsWith(store.Name + ": ", e.Message, StringComparison.Ordinal);
            Assert.Contains("access denied (403", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongSecret, e.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_stopped_store_is_Unreachable_and_serves_again_once_restarted()
    {
        await using var server = NewServer();
        await server.InitializeAsync();
        await using var store = await OpenOnAsync(server);
        await store.PutIfAbsentAsync("before", new MemoryStream([1]), default);

        await server.StopAsync();
        var put = await Assert.ThrowsAsync<ObjectStoreException>(() => store.PutIfAbsentAsync("during", new MemoryStream([2]), default));
        var stat = await Assert.ThrowsAsync<ObjectStoreException>(() => store.StatAsync("before", default));
        await server.StartAsync();

        foreach (var e in new[] { put, stat })
        {
            Assert.Equal(ObjectStoreErrorKind.Unreachable, e.Kind);
            Assert.True(e.IsTransient);
            Assert.StartsWith(store.Name + ": ", e.Message, StringComparison.Ordinal);
            Assert.EndsWith("store unreachable: connection refused", e.Message, StringComparison.Ordinal);
        }
        Assert.True((await store.PutIfAbsentAsync("during", new MemoryStream([2]), default)).Created);
        Assert.NotNull(await store.StatAsync("before", default));
    }

    [Fact]
    public async Task A_store_that_accepts_and_never_answers_is_Unreachable_after_the_timeout()
    {
        // a fault no real server offers on demand: a listener that accepts connections and says nothing
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<Socket>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                held.Add(await silent.AcceptSocketAsync(stop.Token));
        });
        await using var store = OpenImpatient(new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}"));

        var e = await Assert.ThrowsAsync<ObjectStoreException>(() => store.StatAsync("k", default));

        Assert.Equal(ObjectStoreErrorKind.Unreachable, e.Kind);
        Assert.EndsWith("store unreachable: no answer in time", e.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);
        held.ForEach(s => s.Dispose());
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
            list.Add(item);
        return list;
    }
}
