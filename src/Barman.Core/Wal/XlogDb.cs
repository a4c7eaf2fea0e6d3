using System.Text;
using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;

namespace Barman.Core.Wal;

/// <summary>What xlog.db lists: files, their archived bytes, the newest file time (st_mtime seconds), null when empty.</summary>
internal sealed record XlogDbSummary(int Files, long Bytes, double? NewestTime);

/// <summary>
/// A server's xlog.db, held under the blocking <c>.&lt;server&gt;-xlogdb.lock</c> for as long as this
/// object lives: every read and write of the file goes through one of these.
/// </summary>
internal sealed class XlogDb : IDisposable
{
    private readonly LockFile _lock;

    private XlogDb(ServerConfig server, LockFile held)
    {
        Server = server;
        _lock = held;
    }

    public ServerConfig Server { get; }
    public string Path => Server.XlogdbFile;

    /// <summary>Takes the xlogdb lock (waiting for it, cancellably).</summary>
    public static async Task<XlogDb> LockAsync(ServerConfig server, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(server.LockDirectory);
        var held = await LockFile.AcquireAsync(WalLayout.XlogdbLockPath(server), cancellationToken);
        return new XlogDb(server, held);
    }

    /// <summary>All entries in file order (a missing file is empty; malformed lines are logged and skipped).</summary>
    public static async Task<IReadOnlyList<XlogDbEntry>> ReadEntriesAsync(ServerConfig server, CancellationToken cancellationToken)
    {
        using var db = await LockAsync(server, cancellationToken);
        return db.ReadEntries();
    }

    /// <summary>True when xlog.db is missing or empty (Barman's <c>WAL archive</c> test); read without the lock.</summary>
    public static bool IsEmpty(string path) => !File.Exists(path) || new FileInfo(path).Length == 0;

    /// <summary>Sum of the archived sizes listed in xlog.db (the <c>wal size</c> figures).</summary>
    public static async Task<long> TotalSizeAsync(ServerConfig server, CancellationToken cancellationToken) =>
        (await ReadEntriesAsync(server, cancellationToken)).Sum(e => e.Size);

    public IReadOnlyList<XlogDbEntry> ReadEntries()
    {
        var result = new List<XlogDbEntry>();
        if (!File.Exists(Path))
            return result;
        var number = 0;
        foreach (var line in File.ReadLines(Path, Encoding.UTF8))
        {
            number++;
            if (line.Length == 0)
                continue;
            if (XlogDbEntry.TryParse(line) is { } entry)
                result.Add(entry);
            else
                BarmanLog.For("barman.server").Warning("Skipping malformed line {Number} of {Path:l}: {Line:l}", number, Path, line);
        }
        return result;
    }

    /// <summary>
    /// How many files xlog.db lists, their archived size and the newest time, read in one pass
    /// without building the entries (metrics reads it every minute). Malformed lines are skipped.
    /// </summary>
    public XlogDbSummary Summarize()
    {
        if (!File.Exists(Path))
            return new XlogDbSummary(0, 0, null);
        int files = 0;
        long bytes = 0;
        double? newest = null;
        foreach (var line in File.ReadLines(Path, Encoding.UTF8))
        {
            if (line.Length == 0 || XlogDbEntry.TryParse(line) is not { } entry)
                continue;
            files++;
            bytes += entry.Size;
            if (newest is null || entry.Time > newest)
                newest = entry.Time;
        }
        return new XlogDbSummary(files, bytes, newest);
    }

    /// <summary>Length of xlog.db in bytes and its inode (0, 0 when missing).</summary>
    public (long Inode, long Length) Identity()
    {
        var status = FileCalls.Lstat(Path);
        return (status?.Inode ?? 0, status?.Size ?? 0);
    }

    /// <summary>Creates an empty xlog.db (and its directory) durably if missing.</summary>
    public void EnsureExists()
    {
        if (File.Exists(Path))
            return;
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        DurableFile.CreateDirectoryDurably(dir);
        using (var fs = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
            FileCalls.Fsync(fs.SafeFileHandle);
        DurableFile.FsyncDirectory(dir);
    }

    /// <summary>Appends the lines in one write and fsyncs (a torn last line is first terminated).</summary>
    public void Append(IEnumerable<XlogDbEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var entry in entries)
            text.Append(entry.ToLine());
        if (text.Length == 0)
            return;
        EnsureExists();
        using var fs = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (fs.Length > 0)
        {
            fs.Position = fs.Length - 1;
            if (fs.ReadByte() != '\n')
                text.Insert(0, '\n');
        }
        fs.Position = fs.Length;
        fs.Write(Encoding.UTF8.GetBytes(text.ToString()));
        fs.Flush();
        FileCalls.Fsync(fs.SafeFileHandle);
    }

    /// <summary>Cuts xlog.db back to <paramref name="length"/> bytes and fsyncs (undoing our own append).</summary>
    public void Truncate(long length)
    {
        using var fs = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (fs.Length > length)
        {
            fs.SetLength(length);
            FileCalls.Fsync(fs.SafeFileHandle);
        }
    }

    public void Dispose() => _lock.Dispose();
}
