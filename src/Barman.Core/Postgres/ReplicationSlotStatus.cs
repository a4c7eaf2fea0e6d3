using NpgsqlTypes;

namespace Barman.Core.Postgres;

/// <summary>
/// One physical slot as <c>pg_replication_slots</c> shows it (spec §6.3 step 7), with what it makes
/// the server keep: <see cref="WalStatus"/> and <see cref="SafeWalSize"/> from PostgreSQL 13 (null
/// before), <see cref="RetainedBytes"/> between the current WAL position and the restart LSN (null
/// on a standby or before the slot was first used).
/// </summary>
internal sealed record ReplicationSlotStatus(
    string SlotName,
    bool Active,
    NpgsqlLogSequenceNumber? RestartLsn,
    string? WalStatus = null,
    long? SafeWalSize = null,
    long? RetainedBytes = null);
