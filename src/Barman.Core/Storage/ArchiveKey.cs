namespace Barman.Core.Storage;

/// <summary>
/// Where a WAL file lives in the archive, independent of the storage: its hash directory
/// (<c>&lt;timeline&gt;&lt;log&gt;</c>, 16 hex digits; empty for the archive root, where history files
/// live) and its WAL name. The Wal layer computes it from the name; each storage maps it to its own
/// address (a path under <c>wals/</c>, or an object key with a compression suffix).
/// </summary>
internal readonly record struct ArchiveKey(string Directory, string Name);

/// <summary>
/// An object present in the archive: its key, its stored (compressed) size and its mtime as Python's
/// <c>st_mtime</c>; on an object store also its full name there (<see cref="ObjectName"/>, with its extension).
/// </summary>
internal sealed record StoredObject(ArchiveKey Key, long Size, double Mtime, string? ObjectName = null);

/// <summary>One name of a listing: an object, or a directory (a common prefix on an object store).</summary>
internal readonly record struct StorageEntry(string Name, bool IsDirectory);
