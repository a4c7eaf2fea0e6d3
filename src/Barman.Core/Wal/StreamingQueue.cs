using Barman.Core.Os;

namespace Barman.Core.Wal;

/// <summary>
/// The streaming directory by names only, no stat (spec §8.1): what a streaming archiver run takes
/// (<see cref="Files"/>, in archival order), what it moves to errors (<see cref="Unknown"/>) and what
/// it leaves (<see cref="Skip"/>). <c>.tmp</c> names are ignored; the newest <c>.partial</c> stays,
/// older partials (<see cref="OlderPartials"/>) are archived after the complete segments; with no
/// partial the newest complete segment stays.
/// </summary>
internal sealed record StreamingQueue(IReadOnlyList<string> Files, IReadOnlyList<string> OlderPartials, IReadOnlyList<string> Unknown, IReadOnlyList<string> Skip)
{
    /// <summary>Whether an archiver run would archive or move anything.</summary>
    public bool HasWork => Files.Count > 0 || Unknown.Count > 0;

    /// <summary>The names a run would act on, one string (equal strings: the same work).</summary>
    public string Signature => string.Join('\n', Files.Concat(Unknown));

    public static StreamingQueue Read(string directory)
    {
        var files = new List<string>();
        var partials = new List<string>();
        var unknown = new List<string>();
        foreach (var (name, isDirectory) in DirectoryEntries.ReadSorted(directory, includeHidden: false))
        {
            if (name.EndsWith(".tmp", StringComparison.Ordinal))
                continue;
            var kind = isDirectory ? WalFileKind.Unknown : WalFileName.Classify(name);
            if (kind == WalFileKind.Partial)
                partials.Add(name);
            else if (kind != WalFileKind.Unknown)
                files.Add(name);
            else
                unknown.Add(name);
        }
        var skip = new List<string>();
        IReadOnlyList<string> older = [];
        if (partials.Count > 1)
        {
            older = partials[..^1];
            files.AddRange(older);
            skip.Add(partials[^1]);
        }
        else if (partials.Count == 1)
        {
            skip.Add(partials[0]);
        }
        else if (files.Count > 0)
        {
            skip.Add(files[^1]);
            files.RemoveAt(files.Count - 1);
        }
        return new StreamingQueue(files, older, unknown, skip);
    }
}
