namespace Barman.Core.Wal;

/// <summary>How many files archive-wal commits at once.</summary>
internal static class ChunkPolicy
{
    /// <summary>
    /// Files per commit: with compression a few per core (so a crash loses little work and cores
    /// stay busy); without, large chunks (renames are cheap, fsyncs are per chunk). With hook scripts
    /// a chunk's pre hooks all run before any of its files is archived, so chunks shrink to what the
    /// cores compress at once, and without compression to one file: Barman's per-file order, and a
    /// slow retry hook never holds back archived files.
    /// </summary>
    public static int Size(bool hooks, bool compressing, int parallelism) => (hooks, compressing) switch
    {
        (false, false) => 1024,
        (false, true) => Math.Max(4, parallelism * 4),
        (true, false) => 1,
        (true, true) => parallelism,
    };
}
