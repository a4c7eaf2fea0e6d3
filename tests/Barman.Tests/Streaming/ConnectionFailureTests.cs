using System.Net.Sockets;
using Barman.Core.Postgres;
using Barman.Core.Streaming;
using Npgsql;

namespace Barman.Tests.Streaming;

/// <summary>
/// The one "could PostgreSQL not be reached or queried?" rule that receive-wal, the slot commands,
/// check/status, replication-status and switch-wal share, and how such a failure is worded.
/// </summary>
public sealed class ConnectionFailureTests
{
    public static TheoryData<string, Exception> Failures() => new()
    {
        { "Npgsql", new NpgsqlException("Failed to connect to 127.0.0.1:1") },
        { "server error", new PostgresException("password authentication failed for user \"x\"", "FATAL", "FATAL", "28P01") },
        { "server shutting down", new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P03") },
        { "Npgsql timeout", new NpgsqlException("Exception while connecting", new TimeoutException("Timeout during connection attempt")) },
        { "conninfo", new ConninfoException("invalid connection option \"bogus\"") },
        { "timeout", new TimeoutException() },
        { "connection state or unusable answer", new InvalidOperationException("the server did not report server_version_num") },
        { "bounded connection attempt", new OperationCanceledException() },
        { "bounded connection attempt (task)", new TaskCanceledException() },
    };

    public static TheoryData<string, Exception> NotFailures() => new()
    {
        { "missing privileges", new BackupPrivilegesRequiredException("x") },
        { "receive-wal's own failure", new ArchiverFailure("replication slot 'x' is already in use") },
        { "file system", new IOException("No space left on device") },
        { "permissions", new UnauthorizedAccessException() },
        { "bug", new NullReferenceException() },
        { "bad argument", new ArgumentException("x") },
        { "bad format", new FormatException() },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Server_unreachable_or_failing_is_a_connection_failure(string kind, Exception error) =>
        Assert.True(ConnectionFailure.Is(error), kind);

    [Theory]
    [MemberData(nameof(NotFailures))]
    public void Anything_else_is_not(string kind, Exception error) =>
        Assert.False(ConnectionFailure.Is(error), kind);

    [Fact]
    public void Describe_gives_the_primary_message_as_psycopg2_does()
    {
        Assert.Equal("replication slot \"s\" already exists", ConnectionFailure.Describe(new PostgresException("replication slot \"s\" already exists", "ERROR", "ERROR", "42710")));
        Assert.Equal("Connection refused", ConnectionFailure.Describe(new NpgsqlException("Exception while reading from stream", new IOException("Connection refused"))));
        Assert.Equal("Failed to connect to 127.0.0.1:1", ConnectionFailure.Describe(new NpgsqlException("Failed to connect to 127.0.0.1:1")));
        Assert.Equal("Timeout", ConnectionFailure.Describe(new TimeoutException("Timeout")));
    }

    [Fact]
    public void DescribeLikeLibpq_words_the_failure_as_libpq_does()
    {
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:5", new SocketException((int)SocketError.ConnectionRefused));
        Assert.Equal(
            "connection to server at \"127.0.0.1\", port 5 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
            ConnectionFailure.DescribeLikeLibpq(refused, "host=127.0.0.1 port=5 user=u"));
        Assert.Equal(
            "connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  must be superuser or replication role to start walsender",
            ConnectionFailure.DescribeLikeLibpq(new PostgresException("must be superuser or replication role to start walsender", "FATAL", "FATAL", "42501"), "host=/run/postgresql"));
        Assert.Equal(
            "connection to server at \"10.0.0.1\", port 5432 failed: timeout expired",
            ConnectionFailure.DescribeLikeLibpq(new TimeoutException(), "host=db hostaddr=10.0.0.1"));
        Assert.Equal("bad conninfo", ConnectionFailure.DescribeLikeLibpq(new ConninfoException("bad conninfo"), "host='"));
    }
}
