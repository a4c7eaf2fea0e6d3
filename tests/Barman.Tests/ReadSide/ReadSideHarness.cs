using Barman.Core.Compression;
using Barman.Tests.ArchiveWal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ReadSide;

/// <summary>
/// An <see cref="ArchiveHarness"/> (a barman home with server pg, its barman.conf) plus the real
/// executable run with binary standard input and output: what restore_command and ssh see.
/// </summary>
internal sealed class ReadSideHarness : IDisposable
{
    public ReadSideHarness(string serverLines = "archiver = on")
    {
        Archive = new ArchiveHarness();
        Config = Archive.WriteConfig(serverLines);
    }

    public ArchiveHarness Archive { get; }
    public string Config { get; }
    public string Incoming => Archive.Incoming;
    public string Streaming => Archive.Streaming;

    /// <summary>Runs <c>barman -c CONFIG args</c> (the built executable), standard input empty.</summary>
    public Task<BinaryResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public Task<BinaryResult> RunWithInputAsync(byte[]? stdin, params string[] args) =>
        RunProgramAsync(CliRunner.ExecutablePath, ["-c", Config, .. args], stdin);

    public static Task<BinaryResult> RunProgramAsync(string file, IEnumerable<string> args, byte[]? stdin = null, IDictionary<string, string>? environment = null) =>
        ExternalProcess.RunBinaryAsync(file, args, stdin, environment: environment);

    /// <summary>Archives <paramref name="files"/> (name, content) through incoming/ with archive-wal (in-process).</summary>
    public async Task ArchiveAsync(params (string Name, byte[] Content)[] files)
    {
        foreach (var (name, content) in files)
            Archive.Put(Incoming, name, content);
        var r = await CliRunner.RunAsync("-c", Config, "archive-wal", "pg");
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        foreach (var (name, _) in files)
            Assert.True(File.Exists(Archive.ArchivePath(name)), $"{name} not archived: {r}");
    }

    /// <summary>Decompresses <paramref name="data"/> with the standard tool (<c>gzip</c>, <c>bzip2</c>, ...).</summary>
    public async Task<byte[]> DecompressWithToolAsync(string tool, byte[] data)
    {
        var path = Archive.Dir.Combine($"tool-input-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, data);
        var (code, output, err) = await ArchiveHarness.Tool(tool, "-d", "-c", path);
        Assert.True(code == 0, err);
        File.Delete(path);
        return output;
    }

    public static CompressionFormat? FormatOf(byte[] data) => Compressors.Identify(data.AsSpan(0, Math.Min(data.Length, Compressors.MagicLength)));

    public void Dispose() => Archive.Dispose();
}
