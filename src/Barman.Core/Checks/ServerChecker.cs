using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Output;

namespace Barman.Core.Checks;

/// <summary>
/// <c>check</c> for one server: the WAL-related items in Barman's order, the whole run bounded by
/// <c>check_timeout</c> (then <c>check timeout: FAILED (barman check command timed out)</c>).
/// Backup-only items (retention, backup age/size, failed backups, redundancy, pg_basebackup) are
/// not printed: this tool manages WAL only.
/// </summary>
internal sealed class ServerChecker(bool fillEmptyArchive = true, TimeProvider? clock = null)
{
    /// <summary>The items, in the order Barman prints them.</summary>
    public IReadOnlyList<ICheckItem> Items(ServerConfig server) =>
    [
        new ArchiveCheck(),
        .. server.Passive ? Array.Empty<ICheckItem>() : [new PostgresCheck()],
        new DirectoriesCheck(),
        new ArchiveStoreCheck(),
        new WalAgeAndSizeCheck(clock),
        new WalContinuityCheck(),
        new WalVerificationCheck(),
        new CompressionCheck(),
        new ConfigurationCheck(),
        new SystemIdCheck(),
        .. server.Passive ? Array.Empty<ICheckItem>() : [new StreamingArchiverCheck(), new FileArchiverCheck()],
        new ArchiverErrorsCheck(),
        new ArchiveWalCheck(clock),
    ];

    public async Task CheckAsync(ServerConfig server, IOutput output, CancellationToken cancellationToken)
    {
        output.InitCheck(server.Name, server.Active, server.Disabled);
        var timeout = TimeSpan.FromSeconds(Math.Max(1, server.CheckTimeout));
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        var context = new CheckContext(server, output, fillEmptyArchive, DateTime.UtcNow + timeout);
        ICheckItem? running = null;
        try
        {
            foreach (var item in Items(server))
            {
                running = item;
                timer.Token.ThrowIfCancellationRequested();
                await item.RunAsync(context, timer.Token);
            }
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            BarmanLog.For("barman.server").Debug("Check command timed out executing '{Check:l}' check", running?.GetType().Name ?? "");
            output.ResultCheck(server.Name, "check timeout", false, "barman check command timed out");
        }
        output.ResultPerfData(server.Name, 0, context.ArchivedWalBytes);
    }

    /// <summary>Checks every server in turn (the caller sorted and filtered them).</summary>
    public async Task CheckAllAsync(IEnumerable<ServerConfig> servers, IOutput output, CancellationToken cancellationToken)
    {
        foreach (var server in servers)
            await CheckAsync(server, output, cancellationToken);
    }
}
