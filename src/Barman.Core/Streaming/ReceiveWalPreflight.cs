using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Postgres;
using Barman.Core.Wal;

namespace Barman.Core.Streaming;

/// <summary>The pg_receivewal the preflight decided to run.</summary>
internal sealed record ReceiveWalPlan(PgReceiveWalCommand Command);

/// <summary>
/// Steps 5–9 of spec §6.3, in Barman's order, before every pg_receivewal run: the streaming
/// connection and the identity guard, pg_receivewal found and compatible, the slot (checked, or
/// created with <c>create_slot = auto</c>), synchronous mode, the segment size, then either the
/// <c>--reset</c> of the streaming directory or the truncation of a wrong-sized partial and the argv.
/// </summary>
internal sealed class ReceiveWalPreflight(ServerConfig server, IOutput output)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The plan, or null once <c>--reset</c> is done.</summary>
    /// <exception cref="ArchiverFailure">a step failed (<see cref="ArchiverFailure.Transient"/> when a restart may wait it out).</exception>
    public async Task<ReceiveWalPlan?> PrepareAsync(bool reset, CancellationToken cancellationToken)
    {
        var identity = await IdentifyAsync(cancellationToken);
        EnsureSameCluster(server, identity.SystemId, identity.ServerVersion.Major);

        var label = PgReceiveWalLocator.CommandLabel(identity.ServerVersion);
        var binary = await PgReceiveWalLocator.FindAsync(server.SearchPath, cancellationToken)
            ?? throw new ArchiverFailure($"{label} not present in $PATH");
        if (!PgReceiveWalLocator.IsCompatible(identity.ServerVersion, binary.Version))
            throw new ArchiverFailure($"{label} version not compatible with PostgreSQL server version");

        await using var postgres = await OpenPostgresAsync(cancellationToken);
        var slot = await CheckSlotAsync(postgres, identity.ServerVersion, reset, cancellationToken);
        var synchronous = false;
        if (identity.ServerVersion.Number >= 90400 && binary.Version is { Number: >= 90500 })
        {
            var names = await QueryAsync(() => postgres.SynchronousStandbyNamesAsync(cancellationToken), cancellationToken);
            synchronous = SynchronousStandbyNames.Includes(names, server.StreamingArchiverName);
        }
        var segmentSize = await QueryAsync(() => postgres.WalSegmentSizeAsync(cancellationToken), cancellationToken);

        var directory = new StreamingDirectory(server, output);
        if (reset)
        {
            var current = await QueryAsync(() => postgres.CurrentWalAsync(cancellationToken), cancellationToken);
            var currentWal = Wal.WalFileName.FromLsn((ulong)current.Lsn, identity.Timeline, segmentSize);
            var restartWal = slot?.RestartLsn is { } restart ? Wal.WalFileName.FromLsn((ulong)restart, identity.Timeline, segmentSize) : currentWal;
            directory.Reset(currentWal, restartWal, current.FileName);
            return null;
        }
        directory.TruncatePartialIfNeeded(segmentSize);
        try
        {
            return new ReceiveWalPlan(PgReceiveWalCommandLine.Build(binary.Path, server, synchronous));
        }
        catch (ConninfoException)
        {
            throw ReceiveWalFailures.StreamingConnection(server);
        }
    }

    /// <summary>IDENTIFY_SYSTEM over the streaming connection; PostgreSQL 9.6 or later.</summary>
    private async Task<StreamingIdentity> IdentifyAsync(CancellationToken cancellationToken)
    {
        var conninfo = PgReceiveWalCommandLine.StreamingConninfo(server);
        if (string.IsNullOrEmpty(conninfo))
            throw ReceiveWalFailures.StreamingConnection(server);
        StreamingIdentity identity;
        try
        {
            await using var streaming = await StreamingConnection.OpenAsync(conninfo, ConnectTimeout, cancellationToken, server.StreamingArchiverName);
            identity = await streaming.IdentifyAsync(cancellationToken);
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw ReceiveWalFailures.StreamingConnection(server, e);
        }
        if (identity.ServerVersion.Number < 90600)
            throw ReceiveWalFailures.StreamingConnection(server);
        return identity;
    }

    /// <summary>The configured slot: it must exist (or is created with <c>create_slot = auto</c>) and be free.</summary>
    private async Task<ReplicationSlotStatus?> CheckSlotAsync(PostgresConnection postgres, PgVersion version, bool reset, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(server.SlotName))
            return null;
        if (version.Number < 90400)
            throw new ArchiverFailure($"Physical replication slot not supported by {version.Major} (9.4 or higher is required)");
        var slot = await QueryAsync(() => postgres.PhysicalSlotAsync(server.SlotName, cancellationToken), cancellationToken);
        if (slot is null)
        {
            if (server.CreateSlot == CreateSlotMode.Auto && !reset)
            {
                output.Info($"Creating replication slot '{server.SlotName}'");
                await ReplicationSlotManager.CreateAsync(server, output, ifNotExists: false, cancellationToken);
            }
            else if (server.CreateSlot == CreateSlotMode.Manual)
            {
                throw new ArchiverFailure($"replication slot '{server.SlotName}' doesn't exist. Please execute 'barman receive-wal --create-slot {server.Name}'");
            }
        }
        else if (slot.Active)
        {
            throw new ArchiverFailure($"replication slot '{server.SlotName}' is already in use", transient: true);
        }
        return slot;
    }

    private async Task<PostgresConnection> OpenPostgresAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresConnection.OpenAsync(server.Conninfo ?? PgReceiveWalCommandLine.StreamingConninfo(server)!, ConnectTimeout, cancellationToken);
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw ReceiveWalFailures.PostgresConnection(server, e);
        }
    }

    private async Task<T> QueryAsync<T>(Func<Task<T>> query, CancellationToken cancellationToken)
    {
        try
        {
            return await query();
        }
        catch (Exception e) when (ConnectionFailure.Is(e))
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw ReceiveWalFailures.Query(server, e);
        }
    }

    /// <summary>
    /// Ours: the guard against mixing two clusters in one archive. The first identity seen is stored;
    /// a different system identifier later is fatal.
    /// </summary>
    /// <exception cref="ArchiverFailure">the server is not the cluster this archive belongs to.</exception>
    /// <summary>
    /// Ours: the guard against mixing two clusters in one archive. The first identity seen is stored;
    /// a different system identifier later, or a file that cannot be read, is fatal: never guessed.
    /// </summary>
    private static void EnsureSameCluster(ServerConfig server, string systemId, string version)
    {
        var path = ServerIdentity.PathFor(server);
        ServerIdentity? stored;
        try
        {
            stored = ServerIdentity.Read(path);
        }
        catch (IdentityFileException e)
        {
            throw new ArchiverFailure($"{e.Message}: the cluster this archive belongs to is unknown. Refusing to stream until the file is repaired");
        }
        if (stored is null)
        {
            new ServerIdentity(systemId, version).WriteIfMissing(server);
            return;
        }
        ModeChanges.Log(FileModes.Narrow(path, FileModes.PrivateFile));
        if (stored.SystemId != systemId)
        {
            throw new ArchiverFailure(
                $"the system identifier of the PostgreSQL server changed: the streaming connection reports {systemId}, " +
                $"while {stored.SystemId} is stored in \"{path}\". Refusing to mix WAL of two clusters");
        }
    }
}
