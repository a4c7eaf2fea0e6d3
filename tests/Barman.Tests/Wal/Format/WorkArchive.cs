using Barman.Core.Compression;
using Barman.Core.Wal.Format;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Wal.Format;

/// <summary>A copy of the fixture's WAL in a temp directory, to damage, rename, remove or compress files in.</summary>
internal sealed class WorkArchive : IDisposable
{
    private readonly TempDir _dir = new("barman-walverify");

    public WorkArchive(WalTimelineFixture wal, IEnumerable<string>? names = null)
    {
        wal.CopyTo(_dir.Path, names ?? wal.Files);
    }

    public string Directory => _dir.Path;

    public string PathOf(string name) => _dir.Combine(name);

    public void Flip(string name, long offset, byte mask = 0xFF)
    {
        using var file = new FileStream(PathOf(name), FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var b = (byte)file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ mask));
    }

    public void Write(string name, long offset, ReadOnlySpan<byte> bytes)
    {
        using var file = new FileStream(PathOf(name), FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        file.Write(bytes);
    }

    public void Remove(string name) => File.Delete(PathOf(name));

    public void Rename(string name, string newName) => File.Move(PathOf(name), PathOf(newName));

    public void Truncate(string name, long length)
    {
        using var file = new FileStream(PathOf(name), FileMode.Open, FileAccess.ReadWrite);
        file.SetLength(length);
    }

    /// <summary>Compresses a file in place (it keeps its name, as in Barman's archive).</summary>
    public void Compress(string name, string compression)
    {
        var path = PathOf(name);
        var compressed = path + ".tmp";
        using (var input = File.OpenRead(path))
        using (var output = File.Create(compressed))
        using (var writer = Compressors.Get(compression)!.Compress(output))
            input.CopyTo(writer);
        File.Move(compressed, path, overwrite: true);
    }

    public Task<WalVerification> VerifyAsync(WalExpectations? expect = null, int parallelism = 2) =>
        new WalArchiveVerifier(new WalVerifyOptions(expect ?? new WalExpectations(), parallelism)).VerifyAsync(LocalWalDirectory.Open(Directory), default);

    public void Dispose() => _dir.Dispose();
}
