namespace Barman.Core.Wal.Format;

/// <summary>
/// Where verify-wal reads WAL from: the names of the files the archive holds (segments, <c>.partial</c>s,
/// <c>.history</c>; anything else is ignored) and a way to read one, decompressed (<c>Wal.ArchivedWal.OpenForWalk</c>). verify-wal's is the
/// archive's listing through its storage (<c>Wal.Verify.ArchiveListing</c>); the tests have one over a plain directory.
/// </summary>
internal sealed record WalReadSource(IReadOnlyCollection<string> Names, Func<string, CancellationToken, Task<Stream>> Open);
