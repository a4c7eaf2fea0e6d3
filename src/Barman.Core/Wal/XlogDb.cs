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
        DurableFile.CreateDirectoryDurably(server.LockDirectory);
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
    public XlogDbSummary Summarize() => File.Exists(Path) ? XlogDbScan.Summarize(Path) : new XlogDbSummary(0, 0, null);

    /// <summary>Length of xlog.db in bytes and its inode (0, 0 when missing).</summary>
    public (long Inode, long Length) Identity()
    {
        var status = FileCalls.Lstat(Path);
        return (status?.Inode ?? 0, status?.Size ?? 0);
    }

    /// <summary>
    /// Creates an empty xlog.db (and its directory) durably if missing, mode <see cref="FileModes.PrivateFile"/>
    /// whatever the umask; an existing one found wider (left by an older run) is narrowed.
    /// </summary>
    public void EnsureExists()
    {
        if (File.Exists(Path))
        {
            ModeChanges.Log(FileModes.Narrow(Path, FileModes.PrivateFile));
            return;
        }
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        DurableFile.CreateDirectoryDurably(dir);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.ReadWrite, UnixCreateMode = FileModes.PrivateFile };
        using (var fs = new FileStream(Path, options))
        {
            FileModes.Set(fs.SafeFileHandle, FileModes.PrivateFile);
            FileCalls.Fsync(fs.SafeFileHandle);
        }
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

    /// <summary>
    /// True when the bytes after <paramref name="length"/> are a beginning of what appending
    /// <paramref name="entries"/> at that length writes (<see cref="Append"/>: the lines, after a newline
    /// when the file did not end with one): an interrupted append of ours, torn or complete.
    /// </summary>
    public bool TailIsAppendOf(long length, IEnumerable<XlogDbEntry> entries)
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(entries.Select(e => e.ToLine())));
        using var fs = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var tail = fs.Length - length;
        if (tail < 0 || tail > text.Length + 1)
            return false;
        var bytes = new byte[tail];
        fs.Position = length;
        fs.ReadExactly(bytes);
        ReadOnlySpan<byte> actual = bytes;
        return text.AsSpan().StartsWith(actual) || (actual.Length > 0 && actual[0] == (byte)'\n' && text.AsSpan().StartsWith(actual[1..]));
    }

    /// <summary>
    /// Replaces xlog.db by these entries (rebuild-xlogdb): written to <c>&lt;xlog.db&gt;.rebuild</c> beside it,
    /// fsynced, renamed over it, its directory fsynced. A crash leaves the old file or the new one, whole.
    /// </summary>
    public void Replace(IEnumerable<XlogDbEntry> entries)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        DurableFile.CreateDirectoryDurably(directory);
        var temporary = Path + ".rebuild";
        var mode = File.Exists(Path) ? File.GetUnixFileMode(Path) : UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        try
        {
            using (var fs = new FileStream(temporary, options))
            {
                using (var writer = new StreamWriter(fs, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
                {
                    foreach (var entry in entries)
                        writer.Write(entry.ToLine());
                }
                fs.Flush();
                File.SetUnixFileMode(fs.SafeFileHandle, mode);
                FileCalls.Fsync(fs.SafeFileHandle);
            }
            FileCalls.Rename(temporary, Path);
        }
        catch
        {
            DurableFile.DeleteIfExists(temporary);
            throw;
        }
        DurableFile.FsyncDirectory(directory);
    }

    /// <summary>Cuts xlog.db back to <paramref name="length"/> bytes and fsyncs (undoing our own append).</summary>
    public void Truncate(long length)
    {
        if (Identity().Length <= length)
            return; // nothing to undo: xlog.db is not even opened for writing (it may refuse it)
        using var fs = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (fs.Length > length)
        {
            fs.SetLength(length);
            FileCalls.Fsync(fs.SafeFileHandle);
        }
    }

    public void Dispose() => _lock.Dispose();
}
