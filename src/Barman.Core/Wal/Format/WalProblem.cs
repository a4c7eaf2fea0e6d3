namespace Barman.Core.Wal.Format;

/// <summary>What kind of problem verify-wal found.</summary>
internal enum WalProblemKind
{
    /// <summary>A segment or history file that must be in the archive is not.</summary>
    Missing,

    /// <summary>A file that cannot be read to its end, or is not a segment's size.</summary>
    File,

    /// <summary>A page header (magic, info bits, long header, address, timeline).</summary>
    Page,

    /// <summary>A record (length, resource manager, prev-link, continuation, CRC-32C).</summary>
    Record,

    /// <summary>WAL of another PostgreSQL version or another database system.</summary>
    Identity,

    /// <summary>A timeline history file that cannot be parsed, or WAL that contradicts one.</summary>
    History,

    /// <summary>A file in the archive that xlog.db does not list.</summary>
    Catalog,
}

/// <summary>
/// One problem: the file it is in, the LSN where it is (the one pg_waldump would name; null when it is not at a
/// position in the WAL), and what is wrong. <see cref="Stop"/> is set when it is where a segment's walk stopped.
/// </summary>
internal sealed record WalProblem(string File, ulong? Lsn, WalProblemKind Kind, string Message)
{
    public WalkStop? Stop { get; init; }

    public override string ToString() => Lsn is { } at ? $"{File} at {Wal.Lsn.Format(at)}: {Message}" : $"{File}: {Message}";

    /// <summary>The problem a walk's stop is, as it stands.</summary>
    public static WalProblem FromStop(WalSegmentFile file, WalkStop stop) => new(
        file.Name,
        stop.Lsn,
        stop.Kind switch
        {
            StopKind.PageHeader => WalProblemKind.Page,
            StopKind.ShortFile or StopKind.Unreadable => WalProblemKind.File,
            _ => WalProblemKind.Record,
        },
        stop.Reason)
    { Stop = stop };
}
