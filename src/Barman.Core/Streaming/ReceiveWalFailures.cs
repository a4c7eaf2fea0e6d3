using Barman.Core.Configuration;
using Barman.Core.Postgres;
using Npgsql;

namespace Barman.Core.Streaming;

/// <summary>
/// The <see cref="ArchiverFailure"/>s receive-wal raises when PostgreSQL fails it while preparing
/// pg_receivewal (each logs its cause as Barman does), and which of them the self-healing restart
/// may wait out (<see cref="IsTransient"/>).
/// </summary>
internal static class ReceiveWalFailures
{
    /// <summary>No usable streaming connection: not configured, unreachable, or a server too old.</summary>
    public static ArchiverFailure StreamingConnection(ServerConfig server, Exception? cause = null)
    {
        if (cause is not null)
            ConnectionFailure.Log(cause);
        return new ArchiverFailure($"failed opening the PostgreSQL streaming connection for server {server.Name}", cause is not null && IsTransient(cause))
        {
            Detail = cause is null ? null : ConnectionFailure.DescribeOnOneLine(cause, server.StreamingConninfo ?? ""),
        };
    }

    /// <summary>The normal (SQL) connection could not be opened.</summary>
    public static ArchiverFailure PostgresConnection(ServerConfig server, Exception cause)
    {
        ConnectionFailure.Log(cause);
        return new ArchiverFailure($"failed opening the PostgreSQL connection for server {server.Name}", IsTransient(cause))
        {
            Detail = ConnectionFailure.DescribeOnOneLine(cause, server.Conninfo ?? ""),
        };
    }

    /// <summary>A query on the normal connection failed.</summary>
    public static ArchiverFailure Query(ServerConfig server, Exception cause)
    {
        ConnectionFailure.Log(cause);
        return new ArchiverFailure($"failed querying the PostgreSQL server {server.Name}: {ConnectionFailure.Describe(cause)}", IsTransient(cause));
    }

    /// <summary>
    /// What a restart may wait out: the server starting, stopping or out of resources (SQLSTATE
    /// classes 57, 53, 08), what Npgsql deems transient, timeouts. Authentication or configuration
    /// problems are not.
    /// </summary>
    public static bool IsTransient(Exception cause) => cause switch
    {
        PostgresException pg => pg.SqlState.StartsWith("57", StringComparison.Ordinal) || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                                || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient,
        TimeoutException or OperationCanceledException => true,
        _ => false,
    };
}
