using ICSharpCode.SharpZipLib.BZip2;

namespace Barman.Core.Compression;

/// <summary>bzip2 via SharpZipLib, 900 kB blocks (Python's <c>bz2</c> level 9, as Barman's pybzip2).</summary>
internal sealed class Bzip2Compressor(string name = "bzip2") : ICompressor
{
    public string Name => name;
    public CompressionFormat Format => CompressionFormat.Bzip2;

    public Stream Compress(Stream output) => new BZip2OutputStream(output, 9) { IsStreamOwner = false };

    public Stream Decompress(Stream input) => new BZip2InputStream(input) { IsStreamOwner = false };
}
