using Barman.Core.Compression;
using Barman.Core.Os;

namespace Barman.Core.Storage;

/// <summary>
/// The WAL archive of one server (<c>wals/</c>: hash directories, history files in the root) behind
/// one small interface, in the spirit of pgBackRest's storage drivers: stat, list, read, remove and a
/// durable write. Only the archive is behind it: xlog.db, the archive journal, the streaming and
/// incoming queues and <c>errors/</c> stay local files whatever the storage, so archive-wal's batch
/// selection, hooks, output and errors directory never depend on it.
/// <para><b>Addressing.</b> An <see cref="ArchiveKey"/> (hash directory + WAL name), computed by the
/// Wal layer. Locally <c>wals/&lt;dir&gt;/&lt;name&gt;</c> whatever the compression. On an object store
/// (barman-cloud layout) <c>PATH/SERVER/wals/&lt;dir&gt;/&lt;name&gt;&lt;ext&gt;</c>, ext <c>.gz</c>,
/// <c>.bz2</c>, <c>.lz4</c>, <c>.zst</c> or none, history files at <c>PATH/SERVER/wals/&lt;name&gt;</c>:
/// the driver adds the suffix when it publishes and resolves it (one listing of the prefix) when it
/// stats or reads a key.</para>
/// <para><b>Reading</b> (check, switch-wal, get-wal, rebuild-xlogdb, verify-wal; content only through <c>Wal.ArchivedWal</c>).
/// <see cref="StatAsync"/> finds a file by name (segment, <c>.partial</c>, <c>.history</c>,
/// <c>.backup</c>); <see cref="OpenReadAsync"/> gives its stored bytes, whose compression is told by
/// their magic bytes on every storage (<c>Compressors.Identify</c>), so a reader needs nothing else;
/// <see cref="ListAsync"/> names without any stat (scanned often: check, switch-wal's wait);
/// <see cref="ListObjectsAsync"/> adds size and mtime (rebuild-xlogdb; free on object stores, where the
/// listing carries them). Every method may be called concurrently (verify-wal reads in parallel),
/// except on one <see cref="IArchivePublication"/>.</para>
/// <para><b>Writing</b> (archive-wal, in chunks). Outside any lock and in parallel, each file is
/// prepared: <see cref="StageAsync"/> writes a compressed copy durably where the publication can make
/// it the object atomically (locally <c>&lt;object&gt;.tmp</c>, same filesystem; on an object store a
/// local temporary file), or <see cref="StageSourceAsync"/> readies a plain source to be published as it
/// is (locally its data is fsynced: the rename makes it the archive file). Then, under the xlogdb lock
/// and after the chunk's commit journal, one <see cref="IArchivePublication"/> publishes the files in
/// order, never replacing an object (locally <c>RENAME_NOREPLACE</c>; on an object store a conditional
/// create, <c>If-None-Match: *</c>), and <see cref="IArchivePublication.FlushAsync"/> makes them all
/// durable at once (locally one fsync per touched directory; on an object store nothing: an upload is
/// durable once confirmed). Only then does archive-wal append to xlog.db and remove the sources that
/// were copied (a plain local source is moved, never copied), and
/// <see cref="IArchivePublication.WithdrawAsync"/> undoes the chunk if the append fails.</para>
/// <para><b>Existence and duplicates.</b> <see cref="StatAsync"/> says whether a key is taken; the
/// archiver then compares the uncompressed contents through <see cref="OpenReadAsync"/>: identical means
/// already archived (the source goes), different is a duplicate (the source goes to <c>errors/</c>).
/// An object store whose conditional create is refused answers the same way.</para>
/// <para><b>Crash recovery.</b> A rename and a conditional create are atomic, so an object present for
/// a key of a commit journal was published completely: <see cref="StatAsync"/> decides "moved",
/// <see cref="SyncAsync"/> makes it durable again, <see cref="DiscardStagedAsync"/> removes what a
/// prepare left behind.</para>
/// </summary>
internal interface IArchiveStorage
{
    /// <summary>The object's address as operators and hook scripts see it (<c>BARMAN_FILE</c>, the archive journal): a path, or an object store's URL.</summary>
    string Locate(ArchiveKey key);

    /// <summary>The object stored under <paramref name="key"/>, or null when the key is free (locally: whatever entry is there, as lstat sees it).</summary>
    ValueTask<StoredObject?> StatAsync(ArchiveKey key, CancellationToken cancellationToken);

    /// <summary>
    /// The names in <paramref name="directory"/> (<c>""</c>: the archive root), sorted bytewise, without
    /// any stat; empty when it does not exist. Names that are not WAL files may appear (locally the root
    /// also holds xlog.db and the journal): callers keep the names they know.
    /// </summary>
    ValueTask<IReadOnlyList<StorageEntry>> ListAsync(string directory, CancellationToken cancellationToken);

    /// <summary>The objects directly in <paramref name="directory"/> with their size and mtime, sorted by name.</summary>
    ValueTask<IReadOnlyList<StoredObject>> ListObjectsAsync(string directory, CancellationToken cancellationToken);

    /// <summary>
    /// A seekable stream of the stored (possibly compressed) bytes of an object.
    /// <see cref="FileNotFoundException"/> when the key is free (an object removed since a stat or a listing).
    /// </summary>
    ValueTask<Stream> OpenReadAsync(ArchiveKey key, CancellationToken cancellationToken);

    /// <summary>
    /// The compression of a stored object, without reading more of it than needed: locally its magic
    /// bytes; on an object store its extension (barman-cloud names objects by their compression), so that
    /// rebuild-xlogdb works from a listing and downloads nothing.
    /// </summary>
    ValueTask<CompressionFormat?> StoredFormatAsync(StoredObject stored, CancellationToken cancellationToken);

    /// <summary>Removes an object if present; durable after <see cref="SyncAsync"/> of its key.</summary>
    ValueTask RemoveAsync(ArchiveKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the prepared (compressed) form of a file for <paramref name="key"/>: <paramref name="write"/>
    /// fills it, it gets the times of <paramref name="like"/> (and a mode private to the barman user) and
    /// is durable when this returns.
    /// Returns its size. Replaces a stale staged copy of the same key.
    /// </summary>
    ValueTask<long> StageAsync(ArchiveKey key, FileStatus like, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);

    /// <summary>Readies <paramref name="source"/> (a local file) to be published under <paramref name="key"/> as it is.</summary>
    ValueTask StageSourceAsync(ArchiveKey key, string source, CancellationToken cancellationToken);

    /// <summary>Removes the staged copy of <paramref name="key"/> if any (a failed or interrupted prepare).</summary>
    ValueTask DiscardStagedAsync(ArchiveKey key, CancellationToken cancellationToken);

    /// <summary>Starts publishing one chunk.</summary>
    IArchivePublication BeginPublication();

    /// <summary>Makes the state of these keys durable (locally one fsync of each of their directories, in order).</summary>
    ValueTask SyncAsync(IEnumerable<ArchiveKey> keys, CancellationToken cancellationToken);
}

/// <summary>
/// The publication of one chunk, in order, by one caller: nothing is durable before
/// <see cref="FlushAsync"/>. See <see cref="IArchiveStorage"/>.
/// </summary>
internal interface IArchivePublication
{
    /// <summary>
    /// Makes the staged copy (<paramref name="staged"/>) or the source itself the object of
    /// <paramref name="key"/>, never replacing one. True when the source itself became the object (it was
    /// moved: nothing to remove), false when the object is a copy (the caller removes the source once the
    /// chunk is durable and recorded). Locally a source on another filesystem is copied, then renamed.
    /// </summary>
    /// <exception cref="IOException">the key is taken, or the storage failed; nothing was published.</exception>
    ValueTask<bool> PublishAsync(ArchiveKey key, string source, FileStatus sourceStatus, bool staged, CancellationToken cancellationToken);

    /// <summary>Makes everything published so far durable, at once (locally one fsync per touched directory).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Undoes every publication of this chunk, durably: a moved source goes back, a copy is removed.</summary>
    ValueTask WithdrawAsync(CancellationToken cancellationToken);
}
