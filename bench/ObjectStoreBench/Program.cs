// Uploads files to an object store through barman's drivers, several in flight, and prints one line:
//   files bytes seconds MB/s
// usage: ObjectStoreBench s3 ENDPOINT BUCKET PREFIX JOBS MODE FILE...
//        ObjectStoreBench azure ACCOUNT_URL CONTAINER PREFIX JOBS MODE FILE...   (AZURE_STORAGE_CONNECTION_STRING)
// MODE: file (a seekable FileStream: sent as it is) or pipe (a forward-only stream: buffered part by part)
using System.Diagnostics;
using System.Globalization;
using Barman.Core.Storage.ObjectStore;

if (args.Length < 7)
{
    Console.Error.WriteLine("usage: ObjectStoreBench s3|azure ENDPOINT BUCKET PREFIX JOBS file|pipe FILE...");
    return 2;
}
var (kind, endpoint, bucket, prefix, jobs, mode, files) = (args[0], new Uri(args[1]), args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture), args[5], args[6..]);
await using IObjectStore store = kind == "s3"
    ? new S3ObjectStore(new S3StoreOptions { Bucket = bucket, Endpoint = endpoint })
    : new AzureBlobStore(new AzureStoreOptions { AccountUrl = endpoint, Container = bucket }, AzureAuth.FromEnvironment(Environment.GetEnvironmentVariable));
long bytes = 0;
var clock = Stopwatch.StartNew();
await Parallel.ForEachAsync(files.Select((f, i) => (f, i)), new ParallelOptions { MaxDegreeOfParallelism = jobs }, async (item, ct) =>
{
    await using var file = new FileStream(item.f, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
    Stream body = mode == "pipe" ? new ForwardOnly(file) : file;
    var put = await store.PutIfAbsentAsync($"{prefix}/{item.i:D6}-{Path.GetFileName(item.f)}", body, ct);
    if (!put.Created)
        throw new InvalidOperationException($"{put.Object.Key} already there");
    Interlocked.Add(ref bytes, put.Object.Size);
});
var seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{files.Length} {bytes} {seconds:F3} {bytes / 1e6 / seconds:F1}"));
return 0;

/// <summary>What a compressor's output looks like to the driver: no length, no seeking.</summary>
internal sealed class ForwardOnly(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
