namespace Barman.Core.Wal;

/// <summary>How one archiving pass (<see cref="ArchiveWal.PassAsync"/>) ended.</summary>
internal enum ArchivePassResult
{
    /// <summary>It ran and archived its batch (possibly nothing).</summary>
    Done,

    /// <summary>It ran, or could not take its lock for an error, and reported an error.</summary>
    Failed,

    /// <summary>Another pass held the archive-wal lock: the work is left to it.</summary>
    Busy,
}
