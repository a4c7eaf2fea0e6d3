namespace Barman.Core.Checks;

/// <summary><c>archiver errors</c>: the errors directory must be empty; the hint counts its entries by kind.</summary>
internal sealed class ArchiverErrorsCheck : ICheckItem
{
    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var directory = context.Server.ErrorsDirectory;
        var names = Directory.Exists(directory)
            ? Directory.EnumerateFileSystemEntries(directory).Select(p => Path.GetFileName(p)).ToList()
            : [];
        context.Result("archiver errors", names.Count == 0, Summarise(names));
        return Task.CompletedTask;
    }

    /// <summary>Barman's <c>summarise_error_files</c>: <c>unknown: 2, duplicates: 1</c>, kinds in order of first appearance (directory order).</summary>
    public static string? Summarise(IEnumerable<string> names)
    {
        var counters = new List<KeyValuePair<string, int>>();
        foreach (var name in names)
        {
            var kind = name.EndsWith(".error", StringComparison.Ordinal) ? "not relevant"
                : name.EndsWith(".duplicate", StringComparison.Ordinal) ? "duplicates"
                : name.EndsWith(".unknown", StringComparison.Ordinal) ? "unknown"
                // ours: a file archive-wal refused as not this cluster's WAL (a bad header, another system identifier, a wrong name)
                : name.EndsWith(".corrupt", StringComparison.Ordinal) ? "corrupt"
                // ours: WAL data receive-wal kept aside instead of deleting it (--reset, truncation)
                : name.EndsWith(".reset", StringComparison.Ordinal) ? "kept by reset"
                : name.EndsWith(".truncated", StringComparison.Ordinal) ? "kept by truncation"
                : "unknown failure";
            var index = counters.FindIndex(c => c.Key == kind);
            if (index < 0)
                counters.Add(new(kind, 1));
            else
                counters[index] = new(kind, counters[index].Value + 1);
        }
        return counters.Count == 0 ? null : string.Join(", ", counters.Select(c => $"{c.Key}: {c.Value}"));
    }
}
