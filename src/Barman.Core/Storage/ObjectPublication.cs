using System.Security.Cryptography;
using Barman.Core.Compression;
using Barman.Core.Os;
using Barman.Core.Storage.ObjectStore;

namespace Barman.Core.Storage;

/// <summary>
/// A chunk published on an object store: each <see cref="PublishAsync"/> starts one upload (at most
/// <see cref="ObjectArchiveStorage.UploadJobs"/> run at once) and completes when the store confirmed
/// it, so the caller starts them all before awaiting them in order. Each upload is a conditional
/// create (<see cref="IObjectStore.PutIfAbsentAsync"/>): the object appears whole or not at all, an
/// object already there is never replaced; if it holds the very bytes we meant to write (an interrupted
/// run resumed) the file counts as published, otherwise the publication fails.
/// A source is never moved: the caller removes it once the chunk is recorded.
/// </summary>
internal sealed class ObjectPublication(ObjectArchiveStorage storage) : IArchivePublication
{
    private const int CompareBufferSize = 1 << 16;
    private readonly SemaphoreSlim _gate = new(storage.UploadJobs);
    private readonly List<Task> _pending = [];
    private readonly List<string> _published = [];

    public ValueTask<bool> PublishAsync(ArchiveKey key, string source, FileStatus sourceStatus, bool staged, CancellationToken cancellationToken)
    {
        var upload = UploadAsync(key, staged ? storage.StagingPath(key) : source, staged, cancellationToken);
        _pending.Add(upload);
        return new ValueTask<bool>(upload);
    }

    /// <summary>Waits for every upload started (their failures are reported by their own tasks): an upload is durable once confirmed.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_pending);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes what this chunk created (each of them a conditional create of ours).</summary>
    public async ValueTask WithdrawAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        string[] created;
        lock (_published)
            created = [.. _published];
        foreach (var key in created)
            await storage.Store.DeleteAsync(key, cancellationToken);
    }

    private async Task<bool> UploadAsync(ArchiveKey key, string file, bool staged, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var objectKey = ObjectLayout.BaseName(storage.Prefix, key) + ObjectLayout.ExtensionOf(Compressors.Identify(file));
            PutResult result;
            // unbuffered and seekable: the driver sends it in one request straight from the file
            await using (var body = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                result = await storage.Store.PutIfAbsentAsync(objectKey, body, cancellationToken);
            if (result.Created)
            {
                lock (_published)
                    _published.Add(objectKey);
            }
            else if (!await SameBytesAsync(result.Object, file, cancellationToken))
            {
                throw new IOException($"{storage.Store.Name}: {objectKey} is already present with a different content");
            }
            if (staged)
                DurableFile.DeleteIfExists(file);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Whether the object holds exactly the bytes of <paramref name="file"/> (by the store's MD5 when it vouches for one).</summary>
    private async Task<bool> SameBytesAsync(ObjectInfo found, string file, CancellationToken cancellationToken)
    {
        if (found.Size != new FileInfo(file).Length)
            return false;
        await using var local = DurableFile.OpenSequential(file);
        if (found.ContentMd5 is { } md5)
            return Convert.ToHexStringLower(await MD5.HashDataAsync(local, cancellationToken)) == md5;
        await using var remote = await storage.Store.OpenReadAsync(found.Key, cancellationToken);
        var a = new byte[CompareBufferSize];
        var b = new byte[CompareBufferSize];
        while (true)
        {
            var na = await local.ReadAtLeastAsync(a, a.Length, throwOnEndOfStream: false, cancellationToken);
            var nb = await remote.ReadAtLeastAsync(b, b.Length, throwOnEndOfStream: false, cancellationToken);
            if (na != nb || !a.AsSpan(0, na).SequenceEqual(b.AsSpan(0, nb)))
                return false;
            if (na < a.Length)
                return true;
        }
    }
}
