using Barman.Core.Wal;

namespace Barman.Core.Checks;

/// <summary><c>systemid coherence</c>: both connections reach the same cluster, and the one identity.json recorded.</summary>
internal sealed class SystemIdCheck : ICheckItem
{
    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var fromPostgres = (await context.PostgresAsync(cancellationToken)).SystemId;
        var fromStreaming = (await context.StreamingAsync(cancellationToken))?.SystemId;
        if (fromPostgres is not null && fromStreaming is not null && fromPostgres != fromStreaming)
        {
            context.Result("systemid coherence", false, "is the streaming DSN targeting the same server of the PostgreSQL connection string?");
            return;
        }
        var live = fromStreaming ?? fromPostgres;
        if (live is null)
        {
            context.Result("systemid coherence", true, "no system Id available");
            return;
        }
        var path = ServerIdentity.PathFor(context.Server);
        ServerIdentity? stored;
        try
        {
            stored = ServerIdentity.Read(path);
        }
        catch (IdentityFileException e)
        {
            context.Result("systemid coherence", false, e.Message);
            return;
        }
        if (stored is null)
        {
            context.Result("systemid coherence", true, "no system Id stored on disk");
            return;
        }
        if (stored.SystemId != live)
            context.Result("systemid coherence", false, $"the system Id of the connected PostgreSQL server changed, stored in \"{path}\"");
        else
            context.Result("systemid coherence", true);
    }
}
