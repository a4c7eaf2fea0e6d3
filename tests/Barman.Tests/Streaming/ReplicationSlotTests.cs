using Barman.Core.Streaming;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

public sealed class ReplicationSlotTests(PgCluster pg) : IClassFixture<PgCluster>
{
    private static readonly ReceiveWalOptions Create = new() { CreateSlot = true };
    private static readonly ReceiveWalOptions Drop = new() { DropSlot = true };

    private async Task<(int Code, string Out, string Err)> Run(StreamingHarness h, ReceiveWalOptions options)
    {
        h.ResetOutput();
        var forced = await ReceiveWalCommand.DispatchAsync(h.Server, h.Output, options, signals: null, Bounded.Token());
        return (h.ExitCode(forced), h.Out, h.Err);
    }

    [Fact]
    public async Task Create_duplicate_if_not_exists_drop_and_drop_missing()
    {
        using var h = new StreamingHarness(pg, "pg", "slot_cycle");
        var r = await Run(h, Create);
        Assert.Equal((0, "Creating physical replication slot 'slot_cycle' on server 'pg'\nReplication slot 'slot_cycle' created\n", ""), r);
        Assert.Equal("physical", await pg.ScalarAsync<string>("select slot_type from pg_replication_slots where slot_name = 'slot_cycle'"));

        r = await Run(h, Create);
        Assert.Equal((1, "Creating physical replication slot 'slot_cycle' on server 'pg'\n", "ERROR: Replication slot 'slot_cycle' already exists\n"), r);

        r = await Run(h, Create with { IfNotExists = true });
        Assert.Equal((0, "Creating physical replication slot 'slot_cycle' on server 'pg'\nReplication slot 'slot_cycle' already exists and --if-not-exists was specified. Skipping creation\n", ""), r);

        r = await Run(h, Drop);
        Assert.Equal((0, "Dropping physical replication slot 'slot_cycle' on server 'pg'\nReplication slot 'slot_cycle' dropped\n", ""), r);
        Assert.Null(await pg.ScalarAsync<string>("select slot_name from pg_replication_slots where slot_name = 'slot_cycle'"));

        r = await Run(h, Drop);
        Assert.Equal((1, "Dropping physical replication slot 'slot_cycle' on server 'pg'\n", "ERROR: Replication slot 'slot_cycle' does not exist\n"), r);
    }

    [Fact]
    public async Task Stop_wins_over_create_and_create_over_drop()
    {
        using var h = new StreamingHarness(pg, "pg", "slot_precedence");
        var r = await Run(h, new ReceiveWalOptions { CreateSlot = true, DropSlot = true });
        Assert.Equal(0, r.Code);
        Assert.Contains("Replication slot 'slot_precedence' created", r.Out);
        r = await Run(h, new ReceiveWalOptions { Stop = true, CreateSlot = true });
        Assert.Equal((1, "", "ERROR: Termination of receive-wal failed: no such process for server pg\n"), r);
        r = await Run(h, new ReceiveWalOptions { Stop = true, Reset = true });
        Assert.Equal((1, "", "ERROR: --stop and --reset options are not compatible\n"), r);
        await Run(h, Drop);
    }

    [Fact]
    public async Task Drop_of_a_slot_in_use_is_refused()
    {
        using var h = new StreamingHarness(pg, "pg", "slot_busy");
        await Run(h, Create);
        var running = h.Start();
        await StreamingHarness.Until(() => h.Out.Contains("starting log streaming", StringComparison.Ordinal), "streaming");
        using var other = new StreamingHarness(pg, "pg", "slot_busy");
        var r = await Run(other, Drop);
        Assert.Equal((1, "Dropping physical replication slot 'slot_busy' on server 'pg'\n", "ERROR: Cannot drop replication slot 'slot_busy' on server 'pg' because it is in use.\n"), r);
        Assert.Null(await running.StopWith(2));
        await Run(other, Drop);
    }

    [Fact]
    public async Task Configuration_and_connection_problems_have_barman_messages()
    {
        using var noSlot = new StreamingHarness(pg, "pg", "x", s => s with { SlotName = null });
        Assert.Equal((1, "", "ERROR: Unable to create a physical replication slot: slot_name configuration option required\n"), await Run(noSlot, Create));
        Assert.Equal((1, "", "ERROR: Unable to drop a physical replication slot: slot_name configuration option required\n"), await Run(noSlot, Drop));

        using var noConn = new StreamingHarness(pg, "pg", "x", s => s with { Conninfo = null, StreamingConninfo = null });
        Assert.Equal((1, "", "ERROR: Unable to create a physical replication slot: streaming connection not configured\n"), await Run(noConn, Create));

        var port = PgCluster.FreePort();
        using var down = new StreamingHarness(pg, "pg", "x", s => s with { StreamingConninfo = $"host=127.0.0.1 port={port} user=postgres connect_timeout=3" });
        Assert.Equal((1, "", "ERROR: Cannot connect to server 'pg'\n"), await Run(down, Create));
        Assert.Equal((1, "", "ERROR: Cannot connect to server 'pg'\n"), await Run(down, Drop));
    }

    [Fact]
    public async Task Uri_streaming_conninfo_works()
    {
        using var h = new StreamingHarness(pg, "pg", "slot_uri", s => s with { StreamingConninfo = $"postgresql://postgres@{pg.Host}:{pg.Port}/postgres?application_name=uri%20test" });
        Assert.Equal(0, (await Run(h, Create)).Code);
        Assert.Equal(0, (await Run(h, Drop)).Code);
    }
}

/// <summary>A cluster whose slots are all taken (its own, so other tests keep their slots).</summary>
public sealed class ReplicationSlotExhaustionTests(PgCluster pg) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task All_slots_in_use_is_reported()
    {
        for (var i = 0; i < 10; i++)
            await pg.ExecuteAsync($"select pg_create_physical_replication_slot('filler_{i}')");
        using var h = new StreamingHarness(pg, "pg", "one_too_many");
        var forced = await ReceiveWalCommand.DispatchAsync(h.Server, h.Output, new ReceiveWalOptions { CreateSlot = true }, signals: null, Bounded.Token());
        Assert.Equal(1, h.ExitCode(forced));
        Assert.Equal("Creating physical replication slot 'one_too_many' on server 'pg'\n", h.Out);
        Assert.Equal("ERROR: All replication slots for server 'pg' are in use\nFree one or increase the max_replication_slots value on your PostgreSQL server.\n", h.Err);
    }
}
