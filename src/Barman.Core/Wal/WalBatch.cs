using Barman.Core.Os;
using Serilog;

namespace Barman.Core.Wal;

/// <summary>A WAL file chosen for this run, with what lstat said about it.</summary>
internal sealed record WalSource(string Name, string Path, FileStatus Status);

/// <summary>
/// The files one archiver run works on (Barman's <c>WalArchiverQueue</c>): the valid files in
/// archival order (<see cref="Total"/> of them, <see cref="Run"/> taken in this run), the unknown
/// objects (always all moved to errors) and the files deliberately left in place.
/// </summary>
internal sealed record WalBatch(IReadOnlyList<WalSource> Run, int Total, int BatchSize, IReadOnlyList<string> Unknown, IReadOnlyList<string> Skip)
{
    /// <summary>Barman's <c>run_size</c>: min(total, batch size), or total when unlimited.</summary>
    public int RunSize => Run.Count;

    /// <summary>
    /// Streaming directory (spec §8.1): sorted; <c>.tmp</c> ignored; the newest <c>.partial</c> stays,
    /// older partials are archived after the complete segments; with no partial the newest complete
    /// segment stays. Names are classified without any stat: only the run's files are lstat'ed.
    /// </summary>
    public static WalBatch SelectStreaming(string directory, int batchSize, string server, ILogger log)
    {
        var queue = StreamingQueue.Read(directory);
        if (queue.OlderPartials.Count > 0)
            log.Information("Archiving partial files for server {Server:l}: {Names:l}", server, string.Join(", ", queue.OlderPartials));
        return Build(directory, [.. queue.Files], batchSize, [.. queue.Unknown], [.. queue.Skip]);
    }

    /// <summary>Incoming directory: every WAL archive name (partials and history included), no keep-last rule.</summary>
    public static WalBatch SelectIncoming(string directory, int batchSize)
    {
        var files = new List<string>();
        var unknown = new List<string>();
        foreach (var (name, isDirectory) in ListSorted(directory))
        {
            if (name.EndsWith(".tmp", StringComparison.Ordinal))
                continue;
            if (!isDirectory && WalFileName.IsAnyXlogFile(name))
                files.Add(name);
            else
                unknown.Add(name);
        }
        return Build(directory, files, batchSize, unknown, []);
    }

    private static WalBatch Build(string directory, List<string> files, int batchSize, List<string> unknown, List<string> skip)
    {
        var runSize = batchSize > 0 ? Math.Min(files.Count, batchSize) : files.Count;
        var run = new List<WalSource>(runSize);
        var notFiles = 0; // counted neither in the run nor in the total (Barman's isfile test)
        foreach (var name in files.Take(runSize))
        {
            var path = System.IO.Path.Combine(directory, name);
            var status = FileCalls.Lstat(path);
            if (status is null)
            {
                notFiles++; // renamed or removed since the listing: Barman ignores it too
                continue;
            }
            if (!status.Value.IsRegularFile)
            {
                notFiles++;
                unknown.Add(name);
                continue;
            }
            run.Add(new WalSource(name, path, status.Value));
        }
        unknown.Sort(StringComparer.Ordinal);
        return new WalBatch(run, files.Count - notFiles, batchSize, unknown, skip);
    }

    /// <summary>Names of a queue, sorted bytewise, hidden ones excluded (Barman's <c>glob('*')</c>), without any stat.</summary>
    private static List<(string Name, bool IsDirectory)> ListSorted(string directory) => DirectoryEntries.ReadSorted(directory, includeHidden: false);
}
