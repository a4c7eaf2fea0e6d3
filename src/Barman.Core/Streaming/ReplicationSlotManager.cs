using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Output;
using Barman.Core.Postgres;
using Npgsql;

namespace Barman.Core.Streaming;

/// <summary>
/// <c>receive-wal --create-slot / --drop-slot</c> (spec §7): replication-protocol commands over the
/// streaming connection, with Barman's messages for every outcome. Returns true on success.
/// </summary>
internal static class ReplicationSlotManager
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Barman's <c>Server.create_physical_repslot</c>. With <paramref name="ifNotExists"/> (Barman 3.15)
    /// an existing slot is not an error.
    /// </summary>
    public static async Task<bool> CreateAsync(ServerConfig server, IOutput output, bool ifNotExists, CancellationToken cancellationToken)
    {
        output = output.ForLogger("barman.server");
        await using var connection = await OpenAsync(server, output, "create", cancellationToken);
        if (connection is null)
            return false;
        var slot = server.SlotName!;
        output.Info($"Creating physical replication slot '{slot}' on server '{server.Name}'");
        try
        {
            await connection.CreatePhysicalSlotAsync(slot, cancellationToken);
            BarmanLog.For("barman.postgres").Information("Replication slot '{Slot:l}' successfully created", slot);
            output.Info($"Replication slot '{slot}' created");
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            if (ifNotExists)
            {
                output.Info($"Replication slot '{slot}' already exists and --if-not-exists was specified. Skipping creation");
                return true;
            }
            output.Error($"Replication slot '{slot}' already exists");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ConfigurationLimitExceeded)
        {
            output.Error($"All replication slots for server '{server.Name}' are in use\nFree one or increase the max_replication_slots value on your PostgreSQL server.");
        }
        catch (NpgsqlException e)
        {
            output.Error($"Cannot create replication slot '{slot}' on server '{server.Name}': {ConnectionFailure.Describe(e)}");
        }
        return false;
    }

    /// <summary>Barman's <c>Server.drop_repslot</c>.</summary>
    public static async Task<bool> DropAsync(ServerConfig server, IOutput output, CancellationToken cancellationToken)
    {
        output = output.ForLogger("barman.server");
        await using var connection = await OpenAsync(server, output, "drop", cancellationToken);
        if (connection is null)
            return false;
        var slot = server.SlotName!;
        output.Info($"Dropping physical replication slot '{slot}' on server '{server.Name}'");
        try
        {
            await connection.DropSlotAsync(slot, cancellationToken);
            BarmanLog.For("barman.postgres").Information("Replication slot '{Slot:l}' successfully dropped", slot);
            output.Info($"Replication slot '{slot}' dropped");
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedObject)
        {
            output.Error($"Replication slot '{slot}' does not exist");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            output.Error($"Cannot drop replication slot '{slot}' on server '{server.Name}' because it is in use.");
        }
        catch (NpgsqlException e)
        {
            output.Error($"Cannot drop replication slot '{slot}' on server '{server.Name}': {ConnectionFailure.Describe(e)}");
        }
        return false;
    }

    /// <summary>Checks 1–4 of spec §7 in Barman's order; null (after printing the error) when one fails.</summary>
    private static async Task<StreamingConnection?> OpenAsync(ServerConfig server, IOutput output, string verb, CancellationToken cancellationToken)
    {
        var conninfo = PgReceiveWalCommandLine.StreamingConninfo(server);
        if (string.IsNullOrEmpty(conninfo))
        {
            output.Error($"Unable to {verb} a physical replication slot: streaming connection not configured");
            return null;
        }
        StreamingConnection? connection = null;
        PgVersion version;
        try
        {
            connection = await StreamingConnection.OpenAsync(conninfo, ConnectTimeout, cancellationToken);
            version = (await connection.IdentifyAsync(cancellationToken)).ServerVersion;
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            if (connection is not null)
                await connection.DisposeAsync();
            cancellationToken.ThrowIfCancellationRequested();
            BarmanLog.For("barman.server").Error("Cannot connect to server '{Server:l}': {Error:l}", server.Name, ConnectionFailure.Describe(e));
            output.Error($"Cannot connect to server '{server.Name}'");
            return null;
        }
        if (version.Number < 90400)
        {
            await connection.DisposeAsync();
            output.Error($"Unable to {verb} a physical replication slot: not supported by '{version.Major}' (9.4 or higher is required)");
            return null;
        }
        if (string.IsNullOrEmpty(server.SlotName))
        {
            await connection.DisposeAsync();
            output.Error($"Unable to {verb} a physical replication slot: slot_name configuration option required");
            return null;
        }
        return connection;
    }
}
