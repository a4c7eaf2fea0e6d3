using System.Globalization;

namespace Barman.Core.Postgres;

/// <summary>
/// Barman's <c>has_backup_privileges</c>: a superuser, or (PostgreSQL 10+) a role with the monitoring
/// roles and EXECUTE on the backup and WAL-control functions. Required by switch-wal and replication-status.
/// </summary>
internal static class BackupPrivileges
{
    /// <summary>Barman's privilege test: superuser, or (10+) monitoring roles and the backup/WAL functions.</summary>
    private const string Sql = """
        SELECT usesuper OR (
            (pg_has_role(CURRENT_USER, 'pg_monitor', 'MEMBER')
             OR (pg_has_role(CURRENT_USER, 'pg_read_all_settings', 'MEMBER')
                 AND pg_has_role(CURRENT_USER, 'pg_read_all_stats', 'MEMBER')))
            AND {0}
            AND has_function_privilege(CURRENT_USER, 'pg_switch_wal()', 'EXECUTE')
            AND has_function_privilege(CURRENT_USER, 'pg_create_restore_point(text)', 'EXECUTE'))
        FROM pg_user WHERE usename = CURRENT_USER
        """;

    /// <summary>True/false, or null when the query itself cannot tell.</summary>
    public static async Task<bool?> HasAsync(PostgresConnection connection, PgVersion version, bool isSuperuser, CancellationToken ct)
    {
        if (version.Number < 100000)
            return isSuperuser;
        var functions = version.Number >= 150000
            ? "has_function_privilege(CURRENT_USER, 'pg_backup_start(text,bool)', 'EXECUTE') AND has_function_privilege(CURRENT_USER, 'pg_backup_stop(bool)', 'EXECUTE')"
            : "has_function_privilege(CURRENT_USER, 'pg_start_backup(text,bool,bool)', 'EXECUTE') AND (has_function_privilege(CURRENT_USER, 'pg_stop_backup()', 'EXECUTE') OR has_function_privilege(CURRENT_USER, 'pg_stop_backup(bool,bool)', 'EXECUTE'))";
        return await connection.ScalarAsync<bool>(string.Format(CultureInfo.InvariantCulture, Sql, functions), ct);
    }

    /// <summary>
    /// Barman's check before switch-wal and replication-status: throws unless the role has backup
    /// privileges, naming the <c>user</c> of <paramref name="conninfo"/> (else the current user).
    /// </summary>
    /// <exception cref="BackupPrivilegesRequiredException">the role lacks backup privileges.</exception>
    public static async Task RequireAsync(PostgresConnection connection, string conninfo, PgVersion version, CancellationToken ct)
    {
        if (await HasAsync(connection, version, await connection.IsSuperuserAsync(ct), ct) == true)
            return;
        var user = Conninfo.Parse(conninfo)["user"] ?? await connection.ScalarAsync<string>("SELECT current_user", ct);
        throw new BackupPrivilegesRequiredException(user ?? "None");
    }
}
