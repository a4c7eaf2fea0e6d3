using System.Globalization;
using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Streaming;

/// <summary>
/// The <c>.partial</c> bookkeeping of the streaming directory (spec §6.6): truncation of a
/// wrong-sized partial on start and <c>--reset</c>. Unlike Barman, bytes are never destroyed: the
/// partial being truncated is first copied, and the one <c>--reset</c> replaces is moved, to the
/// errors directory. A file operation that fails (a full disk, a permission) is an
/// <see cref="ArchiverFailure"/> saying what could not be done to which file and why; nothing it
/// started is left behind, and a partial that could not be kept is not truncated.
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
        var copy = Guard(
            $"cannot keep a copy of the partial file {last} (wrong size {size} while {segmentSize} was expected) in {server.ErrorsDirectory} before truncating it",
            () =>
            {
                var kept = ErrorsPath(Path.GetFileName(last), "truncated");
                CopyDurably(last, kept);
                return kept;
            });
        output.Info($"Truncating partial file {last} that has wrong size {size} while {segmentSize} was expected.");
        Guard($"cannot truncate the partial file {last}", () =>
        {
            using var fs = new FileStream(last, FileMode.Open, FileAccess.Write);
            fs.SetLength(0);
            fs.Flush(flushToDisk: true);
            return 0;
        });
        Barman.Core.Logging.BarmanLog.For("barman.wal_archiver").Information("Kept a copy of the truncated partial file as {Copy:l}", copy);
    }

    /// <summary>Barman's <c>_reset_streaming_status</c> with the current and restart WAL names already computed.</summary>
    /// <param name="currentWal">the segment holding the current LSN (Barman's boundary rule: the one starting there).</param>
    /// <param name="restartWal">the segment to restart from.</param>
    /// <param name="currentWalShown">the server's <c>pg_walfile_name()</c> of the current LSN, which Barman's "ahead" message prints.</param>
    public void Reset(string currentWal, string restartWal, string currentWalShown)
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
            output.Error($"The receive-wal position is ahead of PostgreSQL current WAL lsn ({lastName} > {currentWalShown})");
            return;
        }
        output.Info("Resetting receive-wal directory status");
        if (Wal.WalFileName.IsPartialFile(lastName))
        {
            output.Info($"Removing status file {last}");
            var kept = Guard($"cannot move the status file {last} to {server.ErrorsDirectory}", () => MoveToErrors(last, "reset"));
            output.Info($"Its content was kept as {kept}");
        }
        var status = Path.Combine(_dir, restartWal + ".partial");
        if (File.Exists(status) && new FileInfo(status).Length > 0)
            Guard($"cannot move the status file {status} to {server.ErrorsDirectory}", () => MoveToErrors(status, "reset"));
        output.Info($"Creating status file {status}");
        Guard($"cannot create the status file {status}", () =>
        {
            using (var fs = DurableFile.CreatePrivate(status))
                fs.Flush(flushToDisk: true);
            Posix.FsyncDirectory(_dir);
            return 0;
        });
    }

    /// <summary>Runs a file operation; its I/O failure becomes an <see cref="ArchiverFailure"/> "<paramref name="what"/>: cause".</summary>
    private static T Guard<T>(string what, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArchiverFailure($"{what}: {FileErrors.Cause(e)}");
        }
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

    /// <summary>Copies through a temporary file, removed when the copy fails (unlink needs no free space).</summary>
    private static void CopyDurably(string source, string destination)
    {
        var tmp = destination + ".tmp";
        try
        {
            using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = DurableFile.CreatePrivate(tmp))
            {
                input.CopyTo(copy);
                copy.Flush(flushToDisk: true);
            }
            File.Move(tmp, destination);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(tmp);
            throw;
        }
        Posix.FsyncDirectory(Path.GetDirectoryName(destination)!);
    }

}
