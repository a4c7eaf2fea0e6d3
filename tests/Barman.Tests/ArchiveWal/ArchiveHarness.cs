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

    public string Put(string directory, string name, byte[]? content = null, int seed = 0)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, content ?? Content(seed == 0 ? name.GetHashCode(StringComparison.Ordinal) : seed));
        return path;
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
        await Core.Wal.ArchiveWal.RunAsync(Server, output, verbose, cancellationToken, hookRetry);
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
        await p.WaitForExitAsync();
        await copy;
        return (p.ExitCode, ms.ToArray(), await err);
    }

    public void Dispose() => Dir.Dispose();
}
