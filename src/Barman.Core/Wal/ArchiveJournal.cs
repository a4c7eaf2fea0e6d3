using System.Globalization;
using System.Text;
using Barman.Core.Os;

namespace Barman.Core.Wal;

/// <summary>
/// The intent journal of one archive-wal chunk (ours, not Barman's). Written durably BEFORE any
/// temporary file is created (phase <c>prepare</c>) and again before any rename (phase <c>commit</c>,
/// with the identity and length of xlog.db at that moment), removed when the chunk is complete.
/// After a crash it tells "moved but not yet recorded" apart from a normal archive entry.
/// </summary>
internal sealed record ArchiveJournal(string Phase, long XlogdbInode, long XlogdbLength, IReadOnlyList<JournalEntry> Entries)
{
    public const string Prepare = "prepare";
    public const string Commit = "commit";
    private const string Magic = "barman-archive-journal 1";

    /// <summary>Writes the journal atomically: <c>.new</c> + fsync + rename + fsync of the directory; a failed write removes its <c>.new</c>.</summary>
    public void Write(string path)
    {
        var text = new StringBuilder();
        text.Append(Magic).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"{Phase}\t{XlogdbInode}\t{XlogdbLength}\n");
        foreach (var e in Entries)
            text.Append(CultureInfo.InvariantCulture, $"{e.Source}\t{e.Destination}\t{e.Entry.ToLine()}");
        text.Append("end\n");
        var dir = Path.GetDirectoryName(path)!;
        DurableFile.CreateDirectoryDurably(dir);
        var tmp = path + ".new";
        try
        {
            using (var fs = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = FileModes.PrivateFile }))
            {
                FileModes.Set(fs.SafeFileHandle, FileModes.PrivateFile);
                fs.Write(Encoding.UTF8.GetBytes(text.ToString()));
                fs.Flush();
                FileCalls.Fsync(fs.SafeFileHandle);
            }
            FileCalls.Rename(tmp, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk must not leave the half-written journal behind (unlink needs no free space);
            // the journal it was to replace, if any, stays whole.
            DurableFile.DeleteIfExists(tmp);
            throw;
        }
        DurableFile.FsyncDirectory(dir);
    }

    /// <summary>Reads a journal; null when absent or not complete (no <c>end</c> line: never acted upon).</summary>
    public static ArchiveJournal? Read(string path)
    {
        if (!File.Exists(path))
            return null;
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        if (lines.Length < 3 || lines[0] != Magic || lines[^1] != "end")
            return null;
        var head = lines[1].Split('\t');
        if (head.Length != 3
            || !long.TryParse(head[1], CultureInfo.InvariantCulture, out var inode)
            || !long.TryParse(head[2], CultureInfo.InvariantCulture, out var length))
            return null;
        var entries = new List<JournalEntry>();
        foreach (var line in lines.AsSpan(2, lines.Length - 3))
        {
            var parts = line.Split('\t', 3);
            if (parts.Length != 3 || XlogDbEntry.TryParse(parts[2]) is not { } entry)
                return null;
            entries.Add(new JournalEntry(parts[0], parts[1], entry));
        }
        return new ArchiveJournal(head[0], inode, length, entries);
    }

    /// <summary>Removes the journal durably.</summary>
    public static void Delete(string path)
    {
        File.Delete(path);
        DurableFile.FsyncDirectory(Path.GetDirectoryName(path)!);
    }
}

/// <summary>One file of a journaled chunk: where it comes from, where it goes, and its xlog.db line.</summary>
internal sealed record JournalEntry(string Source, string Destination, XlogDbEntry Entry);
