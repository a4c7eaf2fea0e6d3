namespace Barman.Core.Postgres;

/// <summary>
/// Opens any Npgsql connection built from a libpq conninfo with the attempt bounded by a timeout
/// (both Npgsql's own and a linked cancellation), disposing it when opening fails.
/// </summary>
internal static class BoundedOpen
{
    /// <exception cref="ConninfoException">the conninfo cannot be parsed.</exception>
    public static async Task<T> OpenAsync<T>(
        string conninfo,
        TimeSpan timeout,
        string applicationName,
        Func<string, T> create,
        Func<T, CancellationToken, Task> open,
        CancellationToken cancellationToken)
        where T : IAsyncDisposable
    {
        var connectionString = Conninfo.Parse(conninfo).ToNpgsqlConnectionString(applicationName, (int)Math.Ceiling(timeout.TotalSeconds));
        var connection = create(connectionString);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await open(connection, cts.Token);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return connection;
    }
}
