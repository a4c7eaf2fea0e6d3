using System.Globalization;
using Barman.Core.Logging;
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

    /// <summary>The physical slot <paramref name="slotName"/> (spec §6.3 step 7), or null when it does not exist.</summary>
    public async Task<ReplicationSlotStatus?> PhysicalSlotAsync(string slotName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT slot_name, active, restart_lsn::text FROM pg_replication_slots WHERE slot_type = 'physical' AND slot_name = $1",
            _connection);
        command.Parameters.Add(new NpgsqlParameter { Value = slotName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        NpgsqlLogSequenceNumber? restart = reader.IsDBNull(2) ? null : NpgsqlLogSequenceNumber.Parse(reader.GetString(2));
        return new ReplicationSlotStatus(reader.GetString(0), reader.GetBoolean(1), restart);
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

    /// <summary>Logs a connection failure as Barman does (<c>Error retrieving PostgreSQL status</c>).</summary>
    public static void LogFailure(Exception e) =>
        BarmanLog.For("barman.postgres").Warning("Error retrieving PostgreSQL status: {Error:l}", e.Message);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
