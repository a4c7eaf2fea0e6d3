using NpgsqlTypes;

namespace Barman.Core.Postgres;

/// <summary>One row of <c>pg_replication_slots</c> for a physical slot (spec §6.3 step 7).</summary>
internal sealed record ReplicationSlotStatus(string SlotName, bool Active, NpgsqlLogSequenceNumber? RestartLsn);
