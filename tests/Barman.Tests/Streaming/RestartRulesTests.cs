using Barman.Core.Postgres;
using Barman.Core.Streaming;
using Npgsql;

namespace Barman.Tests.Streaming;

/// <summary>The rules of receive-wal's self-healing restart, each in its own class.</summary>
public sealed class RestartRulesTests
{
    [Fact]
    public void Backoff_doubles_up_to_the_maximum()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var pauses = new List<double>();
        for (var pause = backoff.Initial; pauses.Count < 8; pause = backoff.Next(pause))
            pauses.Add(pause.TotalSeconds);
        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], pauses);
        Assert.Equal(RestartBackoff.Default, backoff);
    }

    [Theory]
    [InlineData(true, true, false, true)]
    [InlineData(true, false, true, true)]
    [InlineData(true, true, true, true)]
    [InlineData(true, false, false, false)] // the first run never streamed: a restart won't fix it
    [InlineData(false, true, false, false)] // streaming_archiver_restart = off
    [InlineData(false, true, true, false)]
    public void A_failed_run_is_restarted_when_restarts_are_on_and_it_streamed_or_is_a_restart(bool enabled, bool streamed, bool restarting, bool expected) =>
        Assert.Equal(expected, ReceiveWalSupervisor.MayRestart(enabled, streamed, restarting));

    [Fact]
    public void A_run_longer_than_a_minute_starts_the_backoff_over()
    {
        var backoff = RestartBackoff.Default;
        var pause = TimeSpan.FromSeconds(16);
        Assert.Equal(backoff.Initial, backoff.AfterRun(pause, TimeSpan.FromSeconds(61)));
        Assert.Equal(pause, backoff.AfterRun(pause, TimeSpan.FromSeconds(60)));
        Assert.Equal(pause, backoff.AfterRun(pause, TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(1, "pg_receivewal terminated with error code: 1")]
    [InlineData(128, "pg_receivewal terminated with error code: 128")]
    [InlineData(137, "pg_receivewal terminated by signal: 9")]
    public void Failed_run_messages_are_barmans(int exitCode, string message) =>
        Assert.Equal(message, new PgReceiveWalExit(exitCode, false, false, TimeSpan.Zero).FailureMessage);

    public static TheoryData<string, Exception, bool> Causes() => new()
    {
        { "server starting", new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"), true },
        { "admin shutdown", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), true },
        { "too many connections", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300"), true },
        { "connection exception", new PostgresException("connection failure", "FATAL", "FATAL", "08006"), true },
        { "authentication", new PostgresException("password authentication failed for user \"x\"", "FATAL", "FATAL", "28P01"), false },
        { "no replication privilege", new PostgresException("must be superuser or replication role to start walsender", "FATAL", "FATAL", "42501"), false },
        { "Npgsql timeout", new NpgsqlException("Exception while connecting", new TimeoutException()), true },
        { "Npgsql, not transient", new NpgsqlException("No password has been provided"), false },
        { "timeout", new TimeoutException(), true },
        { "bounded connection attempt", new OperationCanceledException(), true },
        { "conninfo", new ConninfoException("bad"), false },
        { "unusable answer", new InvalidOperationException("the server did not report server_version_num"), false },
    };

    [Theory]
    [MemberData(nameof(Causes))]
    public void Only_what_a_restart_may_wait_out_is_transient(string kind, Exception cause, bool transient) =>
        Assert.True(transient == ReceiveWalFailures.IsTransient(cause), kind);
}
