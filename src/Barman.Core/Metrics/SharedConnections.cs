using Barman.Core.Postgres;

namespace Barman.Core.Metrics;

/// <summary>
/// One PostgreSQL connection per distinct conninfo for a whole metrics run, shared by the servers that
/// name the same one (several Barman servers of one cluster: one backend started instead of ten),
/// used by one query at a time. Opened on first use, bounded by the timeout; an open that failed
/// fails every server of that conninfo alike. Disposing closes them all.
/// </summary>
internal sealed class SharedConnections(TimeSpan timeout) : IAsyncDisposable
{
    private readonly Dictionary<string, Shared> _byConninfo = new(StringComparer.Ordinal);

    private sealed class Shared(Task<PostgresConnection> open)
    {
        public Task<PostgresConnection> Open { get; } = open;
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    /// <summary>
    /// The connection of <paramref name="conninfo"/>, for the caller alone until it disposes the lease.
    /// </summary>
    /// <exception cref="Exception">the open failed, as <see cref="PostgresConnection.OpenAsync"/> throws.</exception>
    public async Task<Lease> AcquireAsync(string conninfo, CancellationToken cancellationToken)
    {
        Shared shared;
        lock (_byConninfo)
        {
            if (!_byConninfo.TryGetValue(conninfo, out shared!))
            {
                shared = new Shared(PostgresConnection.OpenAsync(conninfo, timeout, cancellationToken));
                _byConninfo.Add(conninfo, shared);
            }
        }
        var connection = await shared.Open;
        await shared.Gate.WaitAsync(cancellationToken);
        return new Lease(connection, shared.Gate);
    }

    /// <summary>A connection in use by one caller; disposing it lets the next one use it.</summary>
    public sealed class Lease(PostgresConnection connection, SemaphoreSlim gate) : IDisposable
    {
        public PostgresConnection Connection => connection;

        public void Dispose() => gate.Release();
    }

    public async ValueTask DisposeAsync()
    {
        List<Shared> all;
        lock (_byConninfo)
            all = [.. _byConninfo.Values];
        foreach (var shared in all)
        {
            try
            {
                await (await shared.Open).DisposeAsync();
            }
            catch (Exception e) when (ConnectionFailure.Is(e))
            {
                // it never opened: each server of it was already told
            }
            shared.Gate.Dispose();
        }
    }
}
