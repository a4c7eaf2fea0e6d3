using Barman.Core.Text;
namespace Barman.Core.Checks;

/// <summary>
/// Barman's <c>check_postgres</c>: <c>PostgreSQL</c>, the privileges item (renamed
/// <c>no access to backup functions</c> when failing), <c>PostgreSQL streaming</c>, <c>wal_level</c>,
/// <c>replication slot</c>, and ours: <c>replication slot lag</c>. Everything after <c>PostgreSQL</c>
/// disappears when the server cannot be reached.
/// </summary>
internal sealed class PostgresCheck : ICheckItem
{
    /// <summary>The oldest server Barman 3.4 supports.</summary>
    public const int MinimalVersion = 90600;

    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var pg = await context.PostgresAsync(cancellationToken);
        if (!pg.Reachable)
        {
            // Barman prints no reason; the connection error (also in the log) is what the operator needs.
            context.Result("PostgreSQL", false, pg.Error);
            return;
        }
        if (pg.Version!.Number < MinimalVersion)
        {
            context.Result("PostgreSQL", false, $"unsupported version: PostgreSQL server is too old ({pg.Version.Full} < 9.6.0)");
            return;
        }
        context.Result("PostgreSQL", true);

        if (pg.HasBackupPrivileges is { } privileged)
        {
            if (privileged)
                context.Result("superuser or standard user with backup privileges", true);
            else
                context.Result("no access to backup functions", false, "privileges for PostgreSQL backup functions are required (see documentation)");
        }

        if (await context.StreamingAsync(cancellationToken) is { } streaming)
            context.Result("PostgreSQL streaming", streaming.Connected, streaming.Error);

        if (pg.WalLevel is { } walLevel)
        {
            if (walLevel != "minimal")
                context.Result("wal_level", true);
            else
                context.Result("wal_level", false, "please set it to a higher level than 'minimal'");
        }

        if (!string.IsNullOrEmpty(context.Server.SlotName))
        {
            CheckSlot(context, pg);
            CheckSlotLag(context, pg);
        }
    }

    private static void CheckSlot(CheckContext context, PostgresFacts pg)
    {
        var server = context.Server;
        var slot = pg.Slot;
        if (server.StreamingArchiver)
        {
            if (slot is null)
                context.Result("replication slot", false, $"replication slot '{server.SlotName}' doesn't exist. Please execute 'barman receive-wal --create-slot {server.Name}'");
            else if (slot.RestartLsn is null)
                context.Result("replication slot", false, $"slot '{server.SlotName}' not initialised: is 'receive-wal' running?");
            else if (!slot.Active)
                context.Result("replication slot", false, $"slot '{server.SlotName}' not active: is 'receive-wal' running?");
            else
                context.Result("replication slot", true);
        }
        else if (slot?.RestartLsn is not null)
        {
            // Not a failure: a slot nobody reads makes the server keep WAL forever.
            var state = slot.Active ? "active" : "initialised";
            context.Result("replication slot", true, $"WARNING: slot '{server.SlotName}' is {state} but not required by the current config");
        }
    }

    /// <summary>
    /// Ours: how much WAL the slot makes the server keep. FAILED when PostgreSQL (13+) says the slot
    /// lost or may lose WAL, or when it retains more than <c>max_slot_lag</c>.
    /// </summary>
    private static void CheckSlotLag(CheckContext context, PostgresFacts pg)
    {
        // An invalidated slot has lost its restart_lsn: still report it, that is the worst case.
        if (pg.Slot is not { } slot || (slot.RestartLsn is null && slot.WalStatus is not ("lost" or "unreserved")))
            return;
        var retained = slot.RetainedBytes ?? 0;
        var hint = $"{HumanFormat.PrettySize(retained)} retained";
        if (context.Server.MaxSlotLag is { } max)
            hint += $", max_slot_lag: {HumanFormat.PrettySize(max)}";
        if (slot.WalStatus is { } status)
            hint += $", wal_status: {status}";
        if (slot.SafeWalSize is { } safe)
            hint += $", safe_wal_size: {HumanFormat.PrettySize(safe)}";
        var lost = slot.WalStatus is "lost" or "unreserved";
        var tooBig = context.Server.MaxSlotLag is { } limit && retained > limit;
        context.Result("replication slot lag", !lost && !tooBig, hint);
    }
}
