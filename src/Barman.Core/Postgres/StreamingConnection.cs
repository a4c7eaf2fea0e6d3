using Npgsql;
using Npgsql.Replication;

namespace Barman.Core.Postgres;

/// <summary>What IDENTIFY_SYSTEM and the server version say about the streaming peer.</summary>
internal sealed record StreamingIdentity(string SystemId, uint Timeline, string XLogPos, PgVersion ServerVersion);

/// <summary>
/// A replication-protocol connection (Barman's <c>StreamingConnection</c>) over Npgsql's
/// <see cref="PhysicalReplicationConnection"/>: IDENTIFY_SYSTEM and slot management.
/// </summary>
internal sealed class StreamingConnection : IAsyncDisposable
{
    private readonly PhysicalReplicationConnection _connection;

    private StreamingConnection(PhysicalReplicationConnection connection) => _connection = connection;

    public PhysicalReplicationConnection Replication => _connection;

    /// <exception cref="ConninfoException">the conninfo cannot be parsed.</exception>
    /// <exception cref="NpgsqlException">the server cannot be reached or refuses the replication connection.</exception>
    public static async Task<StreamingConnection> OpenAsync(string conninfo, TimeSpan timeout, CancellationToken cancellationToken, string applicationName = "barman_streaming")
    {
        var connection = await BoundedOpen.OpenAsync(
            conninfo, timeout, applicationName, cs => new PhysicalReplicationConnection(cs), (c, ct) => c.Open(ct), cancellationToken);
        return new StreamingConnection(connection);
    }

    /// <summary>IDENTIFY_SYSTEM plus the server version.</summary>
    public async Task<StreamingIdentity> IdentifyAsync(CancellationToken cancellationToken)
    {
        var id = await _connection.IdentifySystem(cancellationToken);
        PgVersion? version = null;
        try
        {
            version = PgVersion.ParseServerVersionNum(await _connection.Show("server_version_num", cancellationToken));
        }
        catch (PostgresException)
        {
            // SHOW over the replication protocol needs PostgreSQL 10; fall back to the startup parameter.
        }
        version ??= new PgVersion((_connection.PostgreSqlVersion.Major * 10000) + Math.Max(_connection.PostgreSqlVersion.Minor, 0));
        return new StreamingIdentity(id.SystemId, id.Timeline, id.XLogPos.ToString(), version);
    }

    /// <summary><c>CREATE_REPLICATION_SLOT &lt;slot&gt; PHYSICAL</c> (no RESERVE_WAL, as Barman).</summary>
    public Task CreatePhysicalSlotAsync(string slotName, CancellationToken cancellationToken) =>
        _connection.CreateReplicationSlot(slotName, isTemporary: false, reserveWal: false, cancellationToken);

    /// <summary><c>DROP_REPLICATION_SLOT &lt;slot&gt;</c>.</summary>
    public Task DropSlotAsync(string slotName, CancellationToken cancellationToken) =>
        _connection.DropReplicationSlot(slotName, wait: false, cancellationToken);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
