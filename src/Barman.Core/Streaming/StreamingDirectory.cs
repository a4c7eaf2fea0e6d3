using System.Globalization;
using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Streaming;

/// <summary>
/// The <c>.partial</c> bookkeeping of the streaming directory (spec §6.6): truncation of a
/// wrong-sized partial on start and <c>--reset</c>. Unlike Barman, bytes are never destroyed: the
/// partial being truncated is first copied, and the one <c>--reset</c> replaces is moved, to the
/// errors directory.
/// </summary>
internal sealed class StreamingDirectory(ServerConfig server, IOutput output)
{
    private readonly string _dir = server.StreamingWalsDirectory;

    /// <summary>Barman's <c>_truncate_partial_file_if_needed</c>.</summary>
    public void TruncatePartialIfNeeded(long segmentSize)
    {
        var partials = Directory.Exists(_dir)
            ? Directory.EnumerateFiles(_dir, "*.partial").Where(p => Wal.WalFileName.IsPartialFile(Path.GetFileName(p))).Order(StringComparer.Ordinal).ToList()
            : [];
        if (partials.Count == 0)
            return;
        var last = partials[^1];
        var size = new FileInfo(last).Length;
        if (size == 0 || size == segmentSize)
            return;
        var copy = ErrorsPath(Path.GetFileName(last), "truncated");
        CopyDurably(last, copy);
        output.Info($"Truncating partial file {last} that has wrong size {size} while {segmentSize} was expected.");
        using (var fs = new FileStream(last, FileMode.Open, FileAccess.Write))
        {
            fs.SetLength(0);
            fs.Flush(flushToDisk: true);
        }
        Barman.Core.Logging.BarmanLog.For("barman.wal_archiver").Information("Kept a copy of the truncated partial file as {Copy:l}", copy);
    }

    /// <summary>Barman's <c>_reset_streaming_status</c> with the current and restart WAL names already computed.</summary>
    public void Reset(string currentWal, string restartWal)
    {
        var entries = Directory.Exists(_dir)
            ? Directory.EnumerateFileSystemEntries(_dir).Where(p => !Path.GetFileName(p).StartsWith('.')).OrderDescending(StringComparer.Ordinal).ToList()
            : [];
        var last = entries.FirstOrDefault(p => Wal.WalFileName.IsWalFile(Path.GetFileName(p)) || Wal.WalFileName.IsPartialFile(Path.GetFileName(p)));
        if (last is null
            || last == Path.Combine(_dir, restartWal + ".partial")
            || last == Path.Combine(_dir, restartWal))
        {
            output.Info("Nothing to do. Position of receive-wal is aligned.");
            return;
        }
        var lastName = Path.GetFileName(last);
        if (string.CompareOrdinal(lastName, currentWal) > 0)
        {
            output.Error($"The receive-wal position is ahead of PostgreSQL current WAL lsn ({lastName} > {currentWal})");
            return;
        }
        output.Info("Resetting receive-wal directory status");
        if (Wal.WalFileName.IsPartialFile(lastName))
        {
            output.Info($"Removing status file {last}");
            var kept = MoveToErrors(last, "reset");
            output.Info($"Its content was kept as {kept}");
        }
        var status = Path.Combine(_dir, restartWal + ".partial");
        if (File.Exists(status) && new FileInfo(status).Length > 0)
            MoveToErrors(status, "reset");
        output.Info($"Creating status file {status}");
        using (var fs = new FileStream(status, FileMode.Create, FileAccess.Write))
            fs.Flush(flushToDisk: true);
        Posix.FsyncDirectory(_dir);
    }

    private string ErrorsPath(string name, string kind)
    {
        DurableFile.CreateDirectoryDurably(server.ErrorsDirectory);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var path = Path.Combine(server.ErrorsDirectory, $"{name}.{stamp}.{kind}");
        for (var i = 1; File.Exists(path); i++)
            path = Path.Combine(server.ErrorsDirectory, $"{name}.{stamp}-{i}.{kind}");
        return path;
    }

    private string MoveToErrors(string source, string kind)
    {
        var destination = ErrorsPath(Path.GetFileName(source), kind);
        try
        {
            File.Move(source, destination);
            DurableFile.Fsync(destination);
        }
        catch (IOException) when (File.Exists(source) && !File.Exists(destination))
        {
            // Another filesystem: copy durably, and only then remove the source.
            CopyDurably(source, destination);
            File.Delete(source);
        }
        Posix.FsyncDirectory(server.ErrorsDirectory);
        Posix.FsyncDirectory(Path.GetDirectoryName(source)!);
        return destination;
    }

    private static void CopyDurably(string source, string destination)
    {
        var tmp = destination + ".tmp";
        File.Copy(source, tmp, overwrite: true);
        DurableFile.Fsync(tmp);
        File.Move(tmp, destination);
        Posix.FsyncDirectory(Path.GetDirectoryName(destination)!);
    }
}
