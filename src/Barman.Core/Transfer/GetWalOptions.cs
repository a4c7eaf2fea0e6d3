namespace Barman.Core.Transfer;

/// <summary>What <c>barman get-wal</c> was asked for.</summary>
/// <param name="WalName">the requested file (segment, <c>.partial</c>, <c>.history</c> or <c>.backup</c>)</param>
/// <param name="OutputDirectory"><c>-o</c>: write <c>DIR/&lt;wal&gt;</c> instead of standard output</param>
/// <param name="Partial"><c>-P</c>: also serve <c>.partial</c> files under the requested name</param>
/// <param name="Compression"><c>-z</c>, <c>-j</c>, <c>--keep-compression</c></param>
/// <param name="Peek"><c>-p N</c>: list up to N names instead of sending a file</param>
/// <param name="Test"><c>-t</c>: only say the server is ready</param>
internal sealed record GetWalOptions(string WalName, string? OutputDirectory = null, bool Partial = false,
    OutputCompression Compression = OutputCompression.None, int? Peek = null, bool Test = false);
