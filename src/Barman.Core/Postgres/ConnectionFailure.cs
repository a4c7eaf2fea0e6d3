using System.Net.Sockets;
using Barman.Core.Logging;
using Npgsql;

namespace Barman.Core.Postgres;

/// <summary>
/// The one rule every command that talks to PostgreSQL (receive-wal and its slot commands, check,
/// status, replication-status, switch-wal) uses to tell "the server could not be reached or queried"
/// from everything else, and the ways such a failure is worded.
/// </summary>
internal static class ConnectionFailure
{
    /// <summary>
    /// True when <paramref name="error"/> means PostgreSQL could not be reached or queried: anything
    /// Npgsql throws (<see cref="NpgsqlException"/>, server errors <see cref="PostgresException"/>
    /// included), a conninfo that cannot be parsed, a timeout, a connection in the wrong state or an
    /// unusable answer (<see cref="InvalidOperationException"/>, e.g. from
    /// <see cref="PostgresConnection.ServerVersionAsync"/>), or a cancellation — the bound of a connection
    /// attempt cancels it. Our own cancellation (Ctrl-C, SIGTERM, check_timeout) is not a failure of the
    /// server, whatever Npgsql wrapped it in: a catch of this rule starts with
    /// <c>cancellationToken.ThrowIfCancellationRequested()</c> so that it stays a cancellation.
    /// </summary>
    public static bool Is(Exception error) =>
        error is NpgsqlException or ConninfoException or TimeoutException or InvalidOperationException or OperationCanceledException;

    /// <summary>Logs a connection failure as Barman does (<c>Error retrieving PostgreSQL status</c>).</summary>
    public static void Log(Exception error) => Log(error.Message);

    /// <summary>Logs an already worded connection failure (<c>Error retrieving PostgreSQL status</c>).</summary>
    public static void Log(string text) =>
        BarmanLog.For("barman.postgres").Warning("Error retrieving PostgreSQL status: {Error:l}", text);

    /// <summary>The server's message as psycopg2's <c>str(e)</c> gives it: the primary message.</summary>
    public static string Describe(Exception error) => error switch
    {
        PostgresException pg => pg.MessageText,
        NpgsqlException { InnerException: { } inner } n when n.Message.StartsWith("Exception while", StringComparison.Ordinal) => inner.Message,
        _ => error.Message,
    };

    /// <summary>
    /// The failure worded as libpq words it (Barman prints libpq's text in check hints), e.g.
    /// <c>connection to server at "127.0.0.1", port 55432 failed: FATAL:  must be superuser or replication role to start walsender</c>.
    /// </summary>
    public static string DescribeLikeLibpq(Exception error, string conninfo)
    {
        Conninfo.TryParse(conninfo, out var parsed);
        var host = parsed?["host"] ?? "localhost";
        var port = parsed?["port"] ?? "5432";
        var target = host.StartsWith('/')
            ? $"connection to server on socket \"{host}/.s.PGSQL.{port}\" failed"
            : $"connection to server at \"{parsed?["hostaddr"] ?? host}\", port {port} failed";
        return error switch
        {
            PostgresException pg => $"{target}: {pg.InvariantSeverity}:  {pg.MessageText}",
            ConninfoException => error.Message,
            _ when Find<SocketException>(error) is { } socket => $"{target}: {SocketText(socket)}",
            TimeoutException or OperationCanceledException => $"{target}: timeout expired",
            _ => $"{target}: {error.Message}",
        };
    }

    /// <summary><see cref="DescribeLikeLibpq"/> on one line, for a check hint or a recorded error.</summary>
    public static string DescribeOnOneLine(Exception error, string conninfo) =>
        DescribeLikeLibpq(error, conninfo).Replace("\n\t", " ", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string SocketText(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
        _ => e.Message,
    };

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
                return found;
        }
        return null;
    }
}
