using System.Net.Sockets;
using Barman.Core.Postgres;
using Npgsql;

namespace Barman.Core.Checks;

/// <summary>
/// Connection failures worded as libpq words them (Barman prints libpq's text in check hints),
/// e.g. <c>connection to server at "127.0.0.1", port 55432 failed: FATAL:  must be superuser or replication role to start walsender</c>.
/// </summary>
internal static class ConnectionErrors
{
    public static string Describe(Exception error, string conninfo)
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
