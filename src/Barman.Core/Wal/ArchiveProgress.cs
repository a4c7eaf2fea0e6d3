using Barman.Core.Output;
using Serilog;

namespace Barman.Core.Wal;

/// <summary>Where one archiver run is: the files announced so far, and the stamp of its errors/ names.</summary>
internal sealed class ArchiveProgress(IOutput output, ILogger log, string archiver, string server, int runSize, string stamp)
{
    public int Processed { get; private set; }
    public int RunSize { get; } = runSize;
    /// <summary>UTC <c>yyyyMMddTHHmmssZ</c> of the run's start, in the names of errors/.</summary>
    public string Stamp { get; } = stamp;

    /// <summary>Barman's per-file line (printed before the file is archived) and its log line.</summary>
    public void Announce(WalSource source)
    {
        Processed++;
        output.Info("\t" + source.Name, log: false);
        log.Information("Archiving segment {Index} of {Run} from {Archiver:l}: {Server:l}/{Name:l}", Processed, RunSize, archiver, server, source.Name);
    }
}
