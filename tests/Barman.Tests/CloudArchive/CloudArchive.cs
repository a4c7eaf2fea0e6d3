using Barman.Core.Compression;
using Barman.Core.Storage.ObjectStore;
using Barman.Tests.ArchiveWal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.CloudArchive;

/// <summary>
/// A barman home whose server <c>pg</c> archives to an object store (<c>wals_directory</c> = a URL under
/// a prefix of its own), run as the real executable with the store's credentials in its environment.
/// </summary>
internal sealed class CloudArchive : IAsyncDisposable
{
    public CloudArchive(CloudTarget target)
    {
        Target = target;
        Dir = new TempDir("barman-cloudarchive");
        PathInStore = $"t-{Guid.NewGuid():N}/deep";
        Store = target.OpenStore();
    }

    public CloudTarget Target { get; }
    public TempDir Dir { get; }
    public string PathInStore { get; }
    public IObjectStore Store { get; }

    /// <summary>The server's prefix in the store (barman-cloud's <c>PATH/SERVER/wals/</c>).</summary>
    public string Prefix => $"{PathInStore}/pg/wals/";

    public string Streaming => Dir.Combine("pg", "streaming");
    public string Incoming => Dir.Combine("pg", "incoming");
    public string Errors => Dir.Combine("pg", "errors");
    public string Xlogdb => Dir.Combine("pg", "pg-xlog.db");
    public string Config => Dir.Combine("barman.conf");

    /// <summary>Where barman reaches the store when not at its server's own endpoint (<see cref="WriteConfigAsync"/>).</summary>
    public Uri? Endpoint { get; private set; }

    /// <summary>barman's environment: the store's credentials and endpoint.</summary>
    public Dictionary<string, string> Environment => Endpoint is null ? Target.Environment : Target.EnvironmentAt(Endpoint);

    /// <summary>The store's name in barman's messages.</summary>
    public string StoreName => Endpoint is null ? Target.StoreName : Target.StoreNameAt(Endpoint);

    /// <summary>Writes barman.conf; with <paramref name="endpoint"/>, barman reaches the same archive there (a closed port, a server that never answers).</summary>
    public async Task<CloudArchive> WriteConfigAsync(string serverLines = "", Uri? endpoint = null)
    {
        Endpoint = endpoint;
        await Target.PrepareAsync();
        File.WriteAllText(Config, $"""
            [barman]
            barman_home = {Dir.Path}
            barman_user = {System.Environment.UserName}
            log_file = {Dir.Combine("barman.log")}
            log_level = DEBUG

            [pg]
            description = "cloud archive test"
            conninfo = host=127.0.0.1 port=1 user=postgres dbname=postgres connect_timeout=2
            backup_method = postgres
            streaming_archiver = on
            archiver = on
            slot_name = barman
            wals_directory = {(endpoint is null ? Target.Url(PathInStore) : Target.UrlAt(endpoint, PathInStore))}
            {serverLines}

            """);
        return this;
    }

    public string Put(string directory, string name, byte[] content)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, ArchiveHarness.AsValidWal(content, name));
        return path;
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(Environment, args);

    /// <summary>Runs barman with binary standard output (get-wal).</summary>
    public Task<BinaryResult> RunBinaryAsync(params string[] args) =>
        ExternalProcess.RunBinaryAsync(CliRunner.ExecutablePath, ["-c", Config, .. args], timeout: TimeSpan.FromMinutes(3), environment: Environment);

    /// <summary>The stored bytes of an object (relative key), as they are.</summary>
    public async Task<byte[]> StoredAsync(string relativeKey)
    {
        await using var body = await Store.OpenReadAsync(Prefix + relativeKey, default);
        using var ms = new MemoryStream();
        await body.CopyToAsync(ms);
        return ms.ToArray();
    }

    /// <summary>Replaces an object (relative key) with <paramref name="content"/>: what a disk or an operator could do to it.</summary>
    public async Task ReplaceAsync(string relativeKey, byte[] content)
    {
        await Store.DeleteAsync(Prefix + relativeKey, default);
        var put = await Store.PutIfAbsentAsync(Prefix + relativeKey, new MemoryStream(content), default);
        Assert.True(put.Created);
    }

    public Task<CliResult> RunAsync(Dictionary<string, string> environment, params string[] args) =>
        CliRunner.RunProcessAsync(["-c", Config, .. args], TimeSpan.FromMinutes(3), environment);

    /// <summary>Every object under the server's prefix, relative to it, in key order.</summary>
    public async Task<List<string>> ObjectsAsync()
    {
        var keys = new List<string>();
        await foreach (var o in Store.ListAsync(Prefix, default))
            keys.Add(o.Key[Prefix.Length..]);
        return keys;
    }

    /// <summary>The stored bytes of an object (relative key), decompressed by magic.</summary>
    public async Task<byte[]> ContentAsync(string relativeKey)
    {
        var local = Dir.Combine($"download-{Guid.NewGuid():N}");
        await using (var body = await Store.OpenReadAsync(Prefix + relativeKey, default))
        await using (var file = File.Create(local))
            await body.CopyToAsync(file);
        await using var plain = Compressors.OpenDecompressed(local);
        using var ms = new MemoryStream();
        await plain.CopyToAsync(ms);
        File.Delete(local);
        return ms.ToArray();
    }

    public string[] XlogdbNames() => File.Exists(Xlogdb) ? [.. File.ReadAllLines(Xlogdb).Select(l => l.Split('\t')[0])] : [];

    public static string[] Names(string directory) =>
        Directory.Exists(directory) ? [.. Directory.GetFileSystemEntries(directory).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal)] : [];

    /// <summary>The relative key barman-cloud gives a WAL name with an extension.</summary>
    public static string KeyOf(string name, string extension = "") =>
        (name.EndsWith(".history", StringComparison.Ordinal) ? "" : name[..16] + "/") + name + extension;

    public static byte[] Content(string name, int size = 256 * 1024) => ArchiveHarness.Content(name.GetHashCode(StringComparison.Ordinal), size);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Dir.Dispose();
    }
}
