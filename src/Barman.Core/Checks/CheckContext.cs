using Barman.Core.Configuration;
using Barman.Core.Output;
using Barman.Core.Streaming;

namespace Barman.Core.Checks;

/// <summary>
/// One server's check run: where results go and the facts the items share, gathered once and
/// lazily (the PostgreSQL status is only fetched when the first item needs it).
/// </summary>
internal sealed class CheckContext(ServerConfig server, IOutput output, bool fillEmptyArchive, DateTime deadline)
{
    private PostgresFacts? _postgres;
    private StreamingFacts? _streaming;
    private bool _streamingProbed;

    public ServerConfig Server { get; } = server;
    public IOutput Output { get; } = output;
    /// <summary>Whether an empty archive is first given an archive-wal pass and a WAL switch (Barman 3.15).</summary>
    public bool FillEmptyArchive { get; } = fillEmptyArchive;
    /// <summary>When <c>check_timeout</c> expires (connection attempts never wait beyond it).</summary>
    public DateTime Deadline { get; } = deadline;

    /// <summary>Total size of the archived WAL (xlog.db), for <c>wal size</c> and Nagios perfdata.</summary>
    public long ArchivedWalBytes { get; set; }

    /// <summary>The archive's object store failed its probe (<see cref="ArchiveStoreCheck"/>): items reading the archive skip it.</summary>
    public bool ArchiveUnavailable { get; set; }

    /// <summary>Time left before the deadline (at least 100 ms, so a connection attempt is still made).</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = Deadline - DateTime.UtcNow;
            return left > MinimumAttempt ? left : MinimumAttempt;
        }
    }

    private static readonly TimeSpan MinimumAttempt = TimeSpan.FromMilliseconds(100);

    public void Result(string check, bool ok, string? hint = null) => Output.ResultCheck(Server.Name, check, ok, hint);

    public async Task<PostgresFacts> PostgresAsync(CancellationToken cancellationToken) =>
        _postgres ??= await PostgresProbe.ProbeAsync(Server, Remaining, cancellationToken);

    public async Task<StreamingFacts?> StreamingAsync(CancellationToken cancellationToken)
    {
        if (!_streamingProbed)
        {
            _streaming = await PostgresProbe.ProbeStreamingAsync(Server, Remaining, cancellationToken);
            _streamingProbed = true;
        }
        return _streaming;
    }

    /// <summary>This server's receive-wal, matched by its exact lock file (never another server's).</summary>
    public ReceiveWalProcess? ReceiveWal() => ProcessManager.FindReceiveWal(Server);
}

/// <summary>One item (or a small group of items) of <c>check</c>, printed in Barman's order.</summary>
internal interface ICheckItem
{
    Task RunAsync(CheckContext context, CancellationToken cancellationToken);
}
