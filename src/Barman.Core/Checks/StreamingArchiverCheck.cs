using Barman.Core.Streaming;
using Barman.Core.Text;

namespace Barman.Core.Checks;

/// <summary>
/// The streaming archiver's items: <c>pg_receivexlog</c> (found), <c>pg_receivexlog compatible</c>,
/// <c>receive-wal running</c> (a live process holds THIS server's receive-wal lock; when not, the hint
/// is receive-wal's last recorded error), and ours:
/// <c>streaming lag</c>, informational, between the server's WAL position and what receive-wal flushed.
/// </summary>
internal sealed class StreamingArchiverCheck : ICheckItem
{
    /// <summary>The last error receive-wal recorded (a receive-wal started by cron prints nowhere); else Barman's hint.</summary>
    private static string StoppedHint(CheckContext context) =>
        ReceiveWalOutcomes.Read(context.Server) is { Error: { } error } last
            ? $"last error {HumanFormat.Timedelta(last.Time - DateTimeOffset.UtcNow)}: {error}"
            : "See the Barman log file for more details";

    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        if (!server.StreamingArchiver)
            return;
        var binary = await PgReceiveWalLocator.FindAsync(server.SearchPath, cancellationToken);
        context.Result("pg_receivexlog", binary is not null);

        var serverVersion = (await context.StreamingAsync(cancellationToken))?.Version;
        var compatible = serverVersion is not null && PgReceiveWalLocator.IsCompatible(serverVersion, binary?.Version);
        context.Result("pg_receivexlog compatible", compatible, compatible ? null
            : $"PostgreSQL version: {serverVersion?.Full ?? "None"}, pg_receivexlog version: {binary?.Version?.Full ?? "None"}");

        var receiver = context.ReceiveWal();
        if (receiver is not null)
            context.Result("receive-wal running", true);
        else
            context.Result("receive-wal running", false, StoppedHint(context));

        var pg = await context.PostgresAsync(cancellationToken);
        if (pg.Reachable && !pg.IsInRecovery)
        {
            context.Result("streaming lag", true, pg.Streamer?.FlushLagBytes is { } lag
                ? $"{HumanFormat.PrettySize(lag)} behind the server"
                : "no WAL streamer connected");
        }
    }
}
