using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

/// <summary>
/// RPO=0 setups: pg_receivewal runs with <c>--synchronous</c> exactly when the server's
/// <c>synchronous_standby_names</c> lists receive-wal's application name or <c>*</c> — seen in the argv of
/// the real pg_receivewal, streaming from a real server with that setting (its own cluster: the setting
/// must not reach the other test classes).
/// </summary>
public sealed class SynchronousStandbyTests(PgCluster pg) : IClassFixture<PgCluster>
{
    [Theory]
    [InlineData("barman_receive_wal", true)]
    [InlineData("*", true)]
    [InlineData("FIRST 1 (standby1, \"barman_receive_wal\")", true)]
    [InlineData("standby1, barman_receive_wal_2", false)]
    public async Task Pg_receivewal_is_synchronous_exactly_when_the_server_lists_it(string setting, bool synchronous)
    {
        await pg.ExecuteAsync($"alter system set synchronous_standby_names = '{setting.Replace("'", "''", StringComparison.Ordinal)}'");
        await pg.ExecuteAsync("select pg_reload_conf()");
        await StreamingHarness.Until(async () => await pg.ScalarAsync<string>("show synchronous_standby_names") == setting, "the new synchronous_standby_names");
        using var h = new StreamingHarness(pg, "pg", "s_sync", s => s with { CreateSlot = CreateSlotMode.Auto });

        var running = h.Start();
        await StreamingHarness.Until(() => h.Out.Contains("starting log streaming", StringComparison.Ordinal) || running.Task.IsCompleted, "pg_receivewal streaming");
        Assert.False(running.Task.IsCompleted, h.Err);
        var pid = h.PgReceiveWalPid();
        Assert.NotNull(pid);
        var argv = StreamingHarness.CommandLine(pid.Value);

        Assert.Equal(PgCluster.BinDir + "/pg_receivewal", argv[0]);
        Assert.Equal(synchronous, argv.Contains("--synchronous"));
        Assert.Equal(0, h.ExitCode(await running.StopWith(Posix.SIGINT)));
    }
}
