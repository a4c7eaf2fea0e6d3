using Barman.Core.Logging;
using Barman.Core.Wal;

namespace Barman.Core.Checks;

/// <summary>
/// Barman's <c>check_archive</c>: <c>WAL archive</c> (only when failing), then the incoming and
/// streaming queues (<c>empty … directory</c>, <c>… WALs directory</c>, only when failing).
/// Like Barman 3.15, an empty archive is first given a chance: one archive-wal pass and, if still
/// empty and something can deliver WAL, a WAL switch waited for within a third of <c>check_timeout</c>.
/// </summary>
internal sealed class ArchiveCheck : ICheckItem
{
    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        if (XlogDb.IsEmpty(server.XlogdbFile) && !server.Passive && !server.Disabled && context.FillEmptyArchive)
            await FillEmptyArchiveAsync(context, cancellationToken);

        if (XlogDb.IsEmpty(server.XlogdbFile))
            context.Result("WAL archive", false, "please make sure WAL shipping is setup");

        CheckQueue(context, "incoming", server.IncomingWalsDirectory, "archiver", server.Archiver, streaming: false);
        CheckQueue(context, "streaming", server.StreamingWalsDirectory, "streaming_archiver", server.StreamingArchiver, streaming: true);
    }

    private static void CheckQueue(CheckContext context, string label, string directory, string archiverName, bool enabled, bool streaming)
    {
        var count = Directory.Exists(directory)
            ? Directory.EnumerateFileSystemEntries(directory).Count(p => !Path.GetFileName(p).StartsWith('.') && !p.EndsWith(".tmp", StringComparison.Ordinal))
            : 0;
        // pg_receivewal always keeps one .partial in the streaming directory
        if (streaming)
            count--;
        if (!enabled)
        {
            if (count > 0)
                context.Result($"empty {label} directory", false, $"'{directory}' must be empty when {archiverName}=off");
            return;
        }
        if (context.Server.MaxIncomingWalsQueue is { } max && count > max)
            context.Result($"{label} WALs directory", false, $"there are too many WALs in queue: {count}, max {max}");
    }

    private static async Task FillEmptyArchiveAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        var log = BarmanLog.For("barman.server");
        var silent = new SilentOutput();
        try
        {
            log.Information("The WAL archive of server {Server:l} is empty: archiving what is waiting", server.Name);
            await ArchiveWal.RunAsync(server, silent, verbose: false, cancellationToken);
            if (!XlogDb.IsEmpty(server.XlogdbFile))
                return;
            // A switch only helps when something will deliver the closed segment: a running
            // receive-wal, or PostgreSQL's archive_command.
            var receiving = server.StreamingArchiver && context.ReceiveWal() is not null;
            if (!receiving && server.Archiver)
            {
                var archiver = (await context.PostgresAsync(cancellationToken)).Archiver;
                receiving = archiver is { ArchiveMode: "on" or "always", ArchiveCommand: { Length: > 0 } command } && command != "(disabled)";
            }
            if (!receiving)
                return;
            var budget = Math.Max(1, server.CheckTimeout / 3);
            log.Information("The WAL archive of server {Server:l} is still empty: switching WAL and waiting up to {Seconds} seconds", server.Name, budget);
            await WalSwitch.RunAsync(server, silent, new SwitchWalOptions(Force: false, Archive: true, ArchiveTimeoutSeconds: budget), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.Warning("Could not fill the empty WAL archive of server {Server:l}: {Error:l}", server.Name, e.Message);
        }
    }
}
