namespace Barman.Core.Transfer;

/// <summary>The form in which get-wal sends a WAL file.</summary>
internal enum OutputCompression
{
    /// <summary>The original WAL bytes, whatever the archive holds (the default).</summary>
    None,
    /// <summary><c>-z</c>/<c>--gzip</c>: gzip (a gzip-archived file is sent as stored).</summary>
    Gzip,
    /// <summary><c>-j</c>/<c>--bzip2</c>: bzip2 (a bzip2-archived file is sent as stored).</summary>
    Bzip2,
    /// <summary><c>--keep-compression</c> (Barman 3.12): the stored bytes as they are.</summary>
    Keep,
}
