namespace Barman.Core.Wal.Format;

/// <summary>
/// Where verify-wal reads WAL from: the names of the files the archive holds (segments, <c>.partial</c>s,
/// <c>.history</c>; anything else is ignored) and a way to read one, decompressed. The storage layer provides
/// one for an archive; <c>LocalWalDirectory</c> for a plain directory.
/// </summary>
internal sealed record WalReadSource(IReadOnlyCollection<string> Names, Func<string, CancellationToken, Task<Stream>> Open);
