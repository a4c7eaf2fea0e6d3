using Barman.Core.Storage;

namespace Barman.Core.Wal;

/// <summary>What the preparation decided for a file.</summary>
internal enum ArchiveOutcome
{
    /// <summary>To be published in the archive.</summary>
    Archive,
    /// <summary>The archive already holds the same content: the source is dropped (Barman).</summary>
    MatchingDuplicate,
    /// <summary>The archive holds a different file of that name: the source goes to errors/.</summary>
    Duplicate,
    /// <summary>Not this cluster's WAL (<see cref="ArchiveValidation"/>): the source goes to errors/ as <c>.corrupt</c>, nothing is archived.</summary>
    Corrupt,
    /// <summary>Preparing or publishing it failed: the chunk stops there.</summary>
    Failed,
}

/// <summary>One file of a chunk on its way into the archive.</summary>
internal sealed class ArchiveItem(WalSource source, ArchiveKey key, string destination)
{
    public WalSource Source { get; } = source;
    public ArchiveKey Key { get; } = key;
    /// <summary>The archive file as operators and hooks see it.</summary>
    public string Destination { get; } = destination;
    public ArchiveOutcome Outcome { get; set; }
    /// <summary>The archive file is a copy (compressed, or copied across filesystems): the source is removed once the chunk is recorded.</summary>
    public bool Copied { get; set; }
    /// <summary>The archived (stored) size.</summary>
    public long Size { get; set; }
    public string? Compression { get; set; }
    public Exception? Error { get; set; }
    /// <summary>Why the file was refused (<see cref="ArchiveOutcome.Corrupt"/>).</summary>
    public string? Refusal { get; set; }

    public XlogDbEntry Entry => new(Source.Name, Size, Source.Status.PythonMtime, Compression);

    public JournalEntry JournalEntry => new(Source.Path, Destination, Entry);
}
