using System.Formats.Tar;
using System.Text;
using Barman.Core.Os;

namespace Barman.Core.Transfer;

/// <summary>A put-wal stream that cannot be accepted: the <c>ERROR:</c> line says why (Barman's words where it has them).</summary>
internal sealed class PutWalRefused(string message) : Exception(message);

/// <summary>One file of a put-wal stream, extracted to a hidden temporary file of incoming/.</summary>
internal sealed record ReceivedFile(string Name, string TemporaryPath, string FinalPath);

/// <summary>A checksum listed in the stream's <c>MD5SUMS</c> or <c>SHA256SUMS</c>.</summary>
internal sealed record ListedChecksum(string Name, ChecksumKind Kind, string Value);

internal enum ChecksumKind
{
    Md5,
    Sha256,
}

/// <summary>
/// Reads the tar stream barman-wal-archive writes (PAX; regular files, then <c>MD5SUMS</c> or, from
/// newer clients, <c>SHA256SUMS</c> with <c>"&lt;hex&gt; *&lt;name&gt;"</c> lines): each file goes to
/// <c>incoming/.&lt;pid&gt;-&lt;name&gt;</c> (0600, the tar's mtime, fsynced), hidden from archive-wal until
/// put-wal renames it; the checksum lists are kept. Disposing removes the temporary files still there;
/// <see cref="RemoveAbandoned"/> those of runs that died.
/// </summary>
internal sealed class ReceivedFiles : IDisposable
{
    private const int MaxChecksumListSize = 1 << 20;
    private readonly string _incoming;
    private readonly string _server;
    private readonly string _suffix;
    private readonly Dictionary<string, ReceivedFile> _files = new(StringComparer.Ordinal);
    private readonly List<ListedChecksum> _checksums = [];

    private ReceivedFiles(string incoming, string server, string suffix)
    {
        _incoming = incoming;
        _server = server;
        _suffix = suffix;
    }

    /// <summary>The files in stream order.</summary>
    public IReadOnlyCollection<ReceivedFile> Files => _files.Values;

    public IReadOnlyList<ListedChecksum> Checksums => _checksums;

    /// <summary>Warnings about checksum lines Barman skips (<c>Bad checksum line</c>).</summary>
    public List<string> Warnings { get; } = [];

    /// <exception cref="PutWalRefused">the stream is malformed or holds something put-wal does not take.</exception>
    public static async Task<ReceivedFiles> ReadAsync(Stream input, string incoming, string server, string suffix, CancellationToken cancellationToken)
    {
        var received = new ReceivedFiles(incoming, server, suffix);
        try
        {
            var counted = new CountingStream(input);
            try
            {
                await using var reader = new TarReader(counted, leaveOpen: true);
                while (await NextAsync(reader, received, cancellationToken) is { } entry)
                    await received.TakeAsync(entry, cancellationToken);
            }
            catch (PutWalRefused) when (counted.BytesRead == 0)
            {
                // no stream at all (the tar reader calls that malformed)
            }
            if (counted.BytesRead == 0)
                throw new PutWalRefused($"Empty input stream in put-wal for server '{server}'{suffix}");
            return received;
        }
        catch
        {
            received.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Removes what put-wal runs that died (kill -9, a dropped ssh connection) left in <paramref name="incoming"/>:
    /// a hidden <c>.&lt;pid&gt;-&lt;name&gt;</c> whose process is gone. Such a file was never renamed, so nothing
    /// was accepted from it; a live run's files are left alone.
    /// </summary>
    public static void RemoveAbandoned(string incoming)
    {
        foreach (var (name, isDirectory) in DirectoryEntries.ReadSorted(incoming, includeHidden: true))
        {
            if (!isDirectory && OwnerOf(name) is { } pid && pid != Environment.ProcessId && !Posix.IsAlive(pid))
                DurableFile.DeleteIfExists(Path.Combine(incoming, name));
        }
    }

    /// <summary>The process id in a temporary file's name (<c>.&lt;pid&gt;-&lt;name&gt;</c>), or null when it is not one.</summary>
    private static int? OwnerOf(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return name.StartsWith('.') && dash > 1 && int.TryParse(name.AsSpan(1, dash - 1), System.Globalization.NumberStyles.None, null, out var pid) && pid > 0
            ? pid
            : null;
    }

    private static async Task<TarEntry?> NextAsync(TarReader reader, ReceivedFiles received, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            throw received.Malformed(e);
        }
    }

    private async Task TakeAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
            throw new PutWalRefused($"Unsupported file type 'b'{(char)entry.EntryType}'' for file '{name}' in put-wal for server '{_server}'{_suffix}");
        if (name.Contains('/') || name.Contains('\0') || name is "" or "." or "..")
            throw new PutWalRefused($"Unsupported filename '{name}' in put-wal for server '{_server}'{_suffix}");
        if (name is "MD5SUMS" or "SHA256SUMS")
        {
            await ReadChecksumsAsync(entry, name == "MD5SUMS" ? ChecksumKind.Md5 : ChecksumKind.Sha256, cancellationToken);
            return;
        }
        if (_files.ContainsKey(name))
            throw new PutWalRefused($"Duplicate file '{name}' in put-wal for server '{_server}'{_suffix}");
        var file = new ReceivedFile(name, Path.Combine(_incoming, $".{Environment.ProcessId}-{name}"), Path.Combine(_incoming, name));
        _files.Add(name, file);
        await ExtractAsync(entry, file.TemporaryPath, cancellationToken);
    }

    private async Task ExtractAsync(TarEntry entry, string path, CancellationToken cancellationToken)
    {
        await using var target = DurableFile.CreatePrivate(path, 1 << 20);
        if (entry.DataStream is { } data)
        {
            try
            {
                await data.CopyToAsync(target, 1 << 20, cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                throw Malformed(e);
            }
        }
        if (target.Length != entry.Length)
            throw Malformed(new EndOfStreamException($"'{entry.Name}' ends after {target.Length} of its {entry.Length} bytes"));
        await target.FlushAsync(cancellationToken);
        // Barman's tar.utime: the file keeps the mtime the client's file had (PAX: with its fraction).
        var ticks = entry.ModificationTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = ticks >= 0 ? ticks / TimeSpan.TicksPerSecond : -((-ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
        var mtime = new FileStatus(target.Length, seconds, (uint)((ticks - (seconds * TimeSpan.TicksPerSecond)) * 100), 0, FileStatusKind.Regular, 0);
        FileCalls.SetTimes(target.SafeFileHandle, mtime);
        FileCalls.Fsync(target.SafeFileHandle);
    }

    private async Task ReadChecksumsAsync(TarEntry entry, ChecksumKind kind, CancellationToken cancellationToken)
    {
        if (entry.Length > MaxChecksumListSize)
            throw new PutWalRefused($"Checksum file '{entry.Name}' too large in put-wal for server '{_server}'{_suffix}");
        using var buffer = new MemoryStream();
        if (entry.DataStream is { } data)
        {
            try
            {
                await data.CopyToAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                throw Malformed(e);
            }
        }
        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var lines = text.Split('\n');
        // Python's line iteration: no line after a final newline, none at all in an empty file.
        foreach (var raw in lines[^1].Length == 0 ? lines[..^1] : lines)
        {
            // Barman: line.rstrip(), then re.split(r" [* ]", line, 1).
            var line = raw.TrimEnd();
            var cut = IndexOfSeparator(line);
            if (cut < 0)
            {
                Warnings.Add($"Bad checksum line '{line}' found in put-wal for server '{_server}'{_suffix}");
                continue;
            }
            var path = line[(cut + 2)..];
            if (path.StartsWith("./", StringComparison.Ordinal))
                path = path[2..];
            _checksums.Add(new ListedChecksum(path, kind, line[..cut]));
        }
    }

    private static int IndexOfSeparator(string line)
    {
        for (var i = 0; i + 1 < line.Length; i++)
        {
            if (line[i] == ' ' && line[i + 1] is '*' or ' ')
                return i;
        }
        return -1;
    }

    private PutWalRefused Malformed(Exception e) =>
        new($"Malformed tar stream in put-wal for server '{_server}'{_suffix}: {e.Message}");

    public void Dispose()
    {
        foreach (var file in _files.Values)
            DurableFile.DeleteIfExists(file.TemporaryPath);
    }

    /// <summary>Counts what the tar reader consumed: zero bytes is no stream at all.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Count(await inner.ReadAsync(buffer, cancellationToken));
        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
