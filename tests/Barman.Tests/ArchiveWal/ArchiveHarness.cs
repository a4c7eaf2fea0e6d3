using System.Diagnostics;
using Barman.Core.Configuration;
using Barman.Core.Hooks;
using Barman.Core.Output;
using Barman.Core.Storage;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ArchiveWal;

/// <summary>A barman home in a temp dir with one server "pg", and helpers to run archive-wal in-process.</summary>
internal sealed class ArchiveHarness : IDisposable
{
    public ArchiveHarness(Func<ServerConfig, ServerConfig>? configure = null)
    {
        Dir = new TempDir("barman-archive");
        Global = TestConfig.Global(Dir.Path);
        var server = TestConfig.Server("pg", Global) with { StreamingArchiver = true };
        Server = configure is null ? server : configure(server);
    }

    public TempDir Dir { get; }
    public GlobalConfig Global { get; }
    public ServerConfig Server { get; set; }

    public string Streaming => Server.StreamingWalsDirectory;
    public string Incoming => Server.IncomingWalsDirectory;

    /// <summary>Deterministic WAL-like content: compressible records with some noise.</summary>
    public static byte[] Content(int seed, int size = 256 * 1024)
    {
        var data = new byte[size];
        var random = new Random(seed);
        for (var i = 0; i < size; i += 64)
        {
            if (random.Next(4) == 0)
                random.NextBytes(data.AsSpan(i, Math.Min(64, size - i)));
            else
                System.Text.Encoding.ASCII.GetBytes($"record {seed} {i} {random.Next(1000)}").CopyTo(data.AsSpan(i));
        }
        return data;
    }

    /// <summary>
    /// Writes a file into a queue. A segment or <c>.partial</c> gets the first page header archive-wal validates
    /// (<see cref="StampHeader"/>): written into <paramref name="content"/> itself, so a test comparing the
    /// archived bytes with its array compares what was queued.
    /// </summary>
    public string Put(string directory, string name, byte[]? content = null, int seed = 0)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        content ??= Content(seed == 0 ? name.GetHashCode(StringComparison.Ordinal) : seed);
        File.WriteAllBytes(path, AsValidWal(content, name));
        return path;
    }

    /// <summary>
    /// What archive-wal accepts for <paramref name="name"/>: a segment or <c>.partial</c> gets its first page header
    /// (stamped into the array itself when it is not compressed; a compressed one is recompressed), a history
    /// file is replaced by a valid history unless it is one.
    /// </summary>
    public static byte[] AsValidWal(byte[] content, string name)
    {
        switch (WalFileName.Classify(name))
        {
            case WalFileKind.History:
                try
                {
                    Barman.Core.Wal.Format.TimelineHistory.Parse(System.Text.Encoding.UTF8.GetString(content), WalFileName.Timeline(name)!.Value);
                    return content;
                }
                catch (FormatException)
                {
                    var timeline = WalFileName.Timeline(name)!.Value;
                    return System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, (int)timeline - 1).Select(t => $"{t}\t0/{t}000000\tno recovery target specified\n")));
                }
            case WalFileKind.Segment or WalFileKind.Partial:
                if (Barman.Core.Compression.Compressors.Identify(content) is not { } format)
                    return content.Length >= 40 && !HasWalMagic(content) ? StampHeader(content, name) : content;
                using (var input = Barman.Core.Compression.Compressors.OpenDecompressed(new MemoryStream(content)))
                using (var plain = new MemoryStream())
                {
                    try
                    {
                        input.CopyTo(plain);
                    }
                    catch (InvalidDataException)
                    {
                        return content; // a corrupt compressed file stays corrupt
                    }
                    var bytes = plain.ToArray();
                    if (bytes.Length < 40 || HasWalMagic(bytes) || bytes.AsSpan(0, 40).SequenceEqual(StampHeader(bytes.ToArray(), name).AsSpan(0, 40)))
                        return content;
                    StampHeader(bytes, name);
                    using var output = new MemoryStream();
                    using (var compressor = Barman.Core.Compression.Compressors.For(format).Compress(output))
                        compressor.Write(bytes);
                    return output.ToArray();
                }
            default:
                return content;
        }
    }

    /// <summary>Whether <paramref name="content"/> already starts with a PostgreSQL 15 long page header (kept as it is: a test that made it meant it).</summary>
    private static bool HasWalMagic(byte[] content) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(content) == 0xD110
        && (System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(2)) & 0x0002) != 0;

    /// <summary>The system identifier of the harness's made-up WAL.</summary>
    public const ulong SystemIdentifier = 7000000000000000001;

    /// <summary><see cref="Content"/> with the first page header of segment <paramref name="name"/> (16 MiB segments, PostgreSQL 15).</summary>
    public static byte[] SegmentContent(string name, int seed, int size = 256 * 1024) => StampHeader(Content(seed, size), name);

    /// <summary>A whole segment of <paramref name="size"/> bytes (a valid WAL segment size) whose header declares that size, as get-wal requires of what it sends.</summary>
    public static byte[] WholeSegment(string name, int seed, int size) => StampHeader(Content(seed, size), name, segmentSize: (uint)size);

    /// <summary>Writes a valid long page header for <paramref name="name"/> over the first 40 bytes of <paramref name="data"/>.</summary>
    public static byte[] StampHeader(byte[] data, string name, ulong systemIdentifier = SystemIdentifier, uint segmentSize = 16U << 20)
    {
        var span = data.AsSpan();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(span, 0xD110);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 0x0002);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[4..], WalFileName.Decode(name)!.Value.Timeline);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(span[8..], SegNo(name) * segmentSize);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(span[24..], systemIdentifier);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[32..], segmentSize);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[36..], 8192);
        return data;
    }

    /// <summary>Segments per log id with the default 16 MiB segments.</summary>
    public const ulong SegmentsPerLog = 256;

    public static string Seg(uint tli, ulong segno) => WalFileName.SegmentFileName(tli, segno, SegmentsPerLog);

    /// <summary>The segment number of a 16 MiB segment's name (log id × 256 + segment).</summary>
    public static ulong SegNo(string name) => WalFileName.Decode(name)!.Value is var d ? (d.Log * SegmentsPerLog) + d.Segment : 0;

    public async Task<CliResult> RunAsync(bool verbose = true, HookRetryPolicy? hookRetry = null, CancellationToken cancellationToken = default)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var output = new ConsoleOutput(stdout, stderr, new OutputOptions());
        await Bounded.RunAsync(ct => Core.Wal.ArchiveWal.RunAsync(Server, output, verbose, ct, hookRetry), "archive-wal", cancellationToken: cancellationToken);
        return new CliResult(output.Close(), stdout.ToString(), stderr.ToString());
    }

    /// <summary>Writes barman.conf (INI) for the CLI: server pg with the harness directories and <paramref name="serverLines"/>.</summary>
    public string WriteConfig(string serverLines = "streaming_archiver = on\nslot_name = barman")
    {
        var text = $"""
            [barman]
            barman_home = {Dir.Path}
            barman_user = {Environment.UserName}
            log_file = {Dir.Combine("barman.log")}
            log_level = DEBUG

            [pg]
            description = "archive-wal test"
            conninfo = host=127.0.0.1 port=1 user=postgres dbname=postgres
            backup_method = postgres
            {serverLines}

            """;
        File.WriteAllText(Global.ConfigFile, text);
        return Global.ConfigFile;
    }

    public string ArchivePath(string name) => ArchiveStorage.For(Server).Locate(WalLayout.KeyOf(name));

    public string[] XlogdbLines() => File.Exists(Server.XlogdbFile) ? File.ReadAllLines(Server.XlogdbFile) : [];

    public string[] XlogdbNames() => [.. XlogdbLines().Select(l => l.Split('\t')[0])];

    public byte[] ArchivedContent(string name)
    {
        using var stream = Barman.Core.Compression.Compressors.OpenDecompressed(ArchivePath(name));
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }

    public string[] Names(string directory) =>
        Directory.Exists(directory) ? [.. Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!] : [];

    /// <summary>Runs an external tool, returns its exit code and stdout bytes.</summary>
    public static async Task<(int Code, byte[] Out, string Err)> Tool(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        using var ms = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(ms);
        var err = p.StandardError.ReadToEndAsync();
        await p.ExitWithinAsync();
        await copy.Within(file + "'s stdout");
        return (p.ExitCode, ms.ToArray(), await err.Within(file + "'s stderr"));
    }

    public void Dispose() => Dir.Dispose();
}
