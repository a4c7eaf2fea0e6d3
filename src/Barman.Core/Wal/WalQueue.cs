using Barman.Core.Configuration;

namespace Barman.Core.Wal;

/// <summary>The files waiting in one archiver queue: how many, and when the first of them was last written.</summary>
internal sealed record WalQueueState(int Files, DateTimeOffset? Oldest);

/// <summary>
/// What waits to be archived, counted the way archive-wal selects it (<see cref="WalBatch"/>: the
/// newest streaming file stays, unknown objects do not count), from a directory listing and one stat.
/// </summary>
internal static class WalQueue
{
    public static WalQueueState Scan(ServerConfig server, WalSourceKind kind)
    {
        var directory = kind.Directory(server);
        var batch = kind == WalSourceKind.Streaming
            ? WalBatch.SelectStreaming(directory, 1, server.Name, Serilog.Core.Logger.None)
            : WalBatch.SelectIncoming(directory, 1);
        var oldest = batch.Run.Count > 0 ? DateTimeOffset.FromUnixTimeSeconds(batch.Run[0].Status.MtimeSeconds) : (DateTimeOffset?)null;
        return new WalQueueState(batch.Total, oldest);
    }
}
