using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Barman.Core.Postgres;

/// <summary>
/// A normal (SQL) connection to the server built from a libpq conninfo, with the few queries the
/// WAL commands need. Opening is bounded by a timeout and cancellable.
/// </summary>
internal sealed class PostgresConnection : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private PostgresConnection(NpgsqlConnection connection) => _connection = connection;

    public NpgsqlConnection Npgsql => _connection;

    /// <summary>Opens a connection; <paramref name="timeout"/> bounds the connection attempt.</summary>
    /// <exception cref="ConninfoException">the conninfo cannot be parsed.</exception>
    /// <exception cref="NpgsqlException">the server cannot be reached or refuses us.</exception>
    public static async Task<PostgresConnection> OpenAsync(string conninfo, TimeSpan timeout, CancellationToken cancellationToken, string applicationName = "barman")
    {
        var connection = await BoundedOpen.OpenAsync(
            conninfo, timeout, applicationName, cs => new NpgsqlConnection(cs), (c, ct) => c.OpenAsync(ct), cancellationToken);
        return new PostgresConnection(connection);
    }

    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>The server's <c>server_version_num</c>.</summary>
    public async Task<PgVersion> ServerVersionAsync(CancellationToken cancellationToken) =>
        PgVersion.ParseServerVersionNum(await ScalarAsync<string>("SHOW server_version_num", cancellationToken))
        ?? throw new InvalidOperationException("the server did not report server_version_num");

    /// <summary><c>pg_current_wal_lsn()</c> (<c>pg_current_xlog_location()</c> before PostgreSQL 10).</summary>
    public async Task<NpgsqlLogSequenceNumber> CurrentWalLsnAsync(CancellationToken cancellationToken)
    {
        var version = await ServerVersionAsync(cancellationToken);
        var sql = version.Number >= 100000 ? "SELECT pg_current_wal_lsn()::text" : "SELECT pg_current_xlog_location()::text";
        return NpgsqlLogSequenceNumber.Parse((await ScalarAsync<string>(sql, cancellationToken))!);
    }

    /// <summary>Whether the connected role is a superuser (<c>pg_user.usesuper</c>).</summary>
    public Task<bool> IsSuperuserAsync(CancellationToken cancellationToken) =>
        ScalarAsync<bool>("SELECT usesuper FROM pg_user WHERE usename = CURRENT_USER", cancellationToken);

    /// <summary>
    /// The physical slot <paramref name="slotName"/> (spec §6.3 step 7), or null when it does not exist.
    /// Works on a standby and on every version receive-wal supports.
    /// </summary>
    public async Task<ReplicationSlotStatus?> PhysicalSlotAsync(string slotName, CancellationToken cancellationToken)
    {
        var version = await ServerVersionAsync(cancellationToken);
        var v13 = version.Number >= 130000;
        var retained = version.Number >= 100000
            ? "pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)"
            : "pg_xlog_location_diff(pg_current_xlog_location(), restart_lsn)";
        var sql = $"SELECT slot_name::text, active, restart_lsn::text, {(v13 ? "wal_status" : "NULL::text")}, {(v13 ? "safe_wal_size" : "NULL::bigint")}, " +
                  $"CASE WHEN pg_is_in_recovery() THEN NULL ELSE {retained}::bigint END " +
                  "FROM pg_replication_slots WHERE slot_type = 'physical' AND slot_name = $1";
        await using var command = new NpgsqlCommand(sql, _connection);
        command.Parameters.Add(new NpgsqlParameter { Value = slotName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return new ReplicationSlotStatus(
            reader.GetString(0),
            reader.GetBoolean(1),
            reader.IsDBNull(2) ? null : NpgsqlLogSequenceNumber.Parse(reader.GetString(2)),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetInt64(5));
    }

    /// <summary><c>SHOW synchronous_standby_names</c>.</summary>
    public Task<string?> SynchronousStandbyNamesAsync(CancellationToken cancellationToken) =>
        ScalarAsync<string>("SHOW synchronous_standby_names", cancellationToken);

    /// <summary>WAL segment size in bytes (<c>wal_segment_size</c>, times <c>wal_block_size</c> before PostgreSQL 11).</summary>
    public async Task<long> WalSegmentSizeAsync(CancellationToken cancellationToken)
    {
        var setting = long.Parse((await ScalarAsync<string>("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'", cancellationToken))!, CultureInfo.InvariantCulture);
        var version = await ServerVersionAsync(cancellationToken);
        if (version.Number >= 110000)
            return setting;
        var block = long.Parse((await ScalarAsync<string>("SELECT setting FROM pg_settings WHERE name = 'wal_block_size'", cancellationToken))!, CultureInfo.InvariantCulture);
        return setting * block;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
