namespace Barman.Core.Wal;

/// <summary>Why a file is in the errors directory, told by its suffix.</summary>
/// <param name="Suffix">The name's ending (<c>.duplicate</c>...), null for the catch-all.</param>
/// <param name="Label">The metric label (<c>barman_archiver_errors{kind="duplicate"}</c>).</param>
/// <param name="Summary">What check's <c>archiver errors</c> hint calls it (Barman's <c>summarise_error_files</c>).</param>
internal sealed record ErrorFileKind(string? Suffix, string Label, string Summary);

/// <summary>The kinds of files the errors directory holds: Barman's, and the WAL receive-wal keeps aside instead of deleting, the files archive-wal refuses as not this cluster's WAL.</summary>
internal static class ErrorFileKinds
{
    public static readonly IReadOnlyList<ErrorFileKind> All =
    [
        new(".duplicate", "duplicate", "duplicates"),
        new(".unknown", "unknown", "unknown"),
        new(".error", "error", "not relevant"),
        new(".reset", "reset", "kept by reset"),
        new(".truncated", "truncated", "kept by truncation"),
        new(".corrupt", "corrupt", "corrupt"),
        new(null, "other", "unknown failure"),
    ];

    public static ErrorFileKind Classify(string name) =>
        All.First(k => k.Suffix is null || name.EndsWith(k.Suffix, StringComparison.Ordinal));

    /// <summary>The names in <paramref name="directory"/> (none when it does not exist).</summary>
    public static IReadOnlyList<string> Names(string directory) =>
        Directory.Exists(directory) ? [.. Directory.EnumerateFileSystemEntries(directory).Select(p => Path.GetFileName(p))] : [];
}
