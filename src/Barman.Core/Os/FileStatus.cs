namespace Barman.Core.Os;

/// <summary>
/// What archive-wal needs to know about a file, with nanosecond mtime (Python's <c>st_mtime</c> is
/// built from it; .NET's <see cref="DateTime"/> keeps only 100 ns ticks).
/// </summary>
internal readonly record struct FileStatus(long Size, long MtimeSeconds, uint MtimeNanoseconds, UnixFileMode Mode, FileStatusKind Kind, long Inode)
{
    /// <summary>Python's <c>os.stat().st_mtime</c>: <c>sec + nsec * 1e-9</c> evaluated in double precision.</summary>
    public double PythonMtime => MtimeSeconds + (MtimeNanoseconds * 1e-9);

    public bool IsRegularFile => Kind == FileStatusKind.Regular;
}

internal enum FileStatusKind
{
    Regular,
    Directory,
    Symlink,
    Other,
}
