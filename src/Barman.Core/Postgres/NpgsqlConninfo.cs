using System.Globalization;
using Barman.Core.Logging;
using Npgsql;

namespace Barman.Core.Postgres;

/// <summary>Translates a libpq <see cref="Conninfo"/> into an Npgsql connection string.</summary>
internal static class NpgsqlConninfo
{
    /// <summary>
    /// The Npgsql equivalent of <paramref name="conninfo"/>. Pooling is off (every barman run is
    /// short-lived and replication connections cannot be pooled); keys Npgsql has no use for
    /// (replication, fallback_application_name...) are dropped.
    /// </summary>
    public static string ToNpgsqlConnectionString(this Conninfo conninfo, string? applicationName = null, int? timeoutSeconds = null)
    {
        var b = new NpgsqlConnectionStringBuilder { Pooling = false };
        string? hostaddr = null;
        foreach (var (key, value) in conninfo.Pairs)
        {
            switch (key)
            {
                case "host":
                    b.Host = value;
                    break;
                case "hostaddr":
                    hostaddr = value;
                    break;
                case "port":
                    // Npgsql takes one port; a per-host list is written as host:port.
                    if (value.Contains(',', StringComparison.Ordinal))
                        b["Port"] = value.Split(',')[0];
                    else if (value.Length > 0)
                        b.Port = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "user":
                    b.Username = value;
                    break;
                case "password":
                    b.Password = value;
                    break;
                case "dbname":
                    b.Database = value;
                    break;
                case "passfile":
                    b.Passfile = value;
                    break;
                case "application_name":
                    b.ApplicationName = value;
                    break;
                case "connect_timeout":
                    if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) && t > 0)
                        b.Timeout = Math.Max(t, 2);
                    break;
                case "options":
                    b.Options = value;
                    break;
                case "sslmode":
                    b.SslMode = value switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw new ConninfoException($"invalid sslmode value: \"{value}\""),
                    };
                    break;
                case "sslcert":
                    b.SslCertificate = value;
                    break;
                case "sslkey":
                    b.SslKey = value;
                    break;
                case "sslrootcert":
                    b.RootCertificate = value;
                    break;
                case "sslpassword":
                    b.SslPassword = value;
                    break;
                case "target_session_attrs":
                    b["Target Session Attributes"] = value;
                    break;
                case "keepalives_idle":
                    if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k))
                        b.TcpKeepAliveTime = k;
                    break;
                case "keepalives_interval":
                    if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ki))
                        b.TcpKeepAliveInterval = ki;
                    break;
                case "krbsrvname":
                    b.KerberosServiceName = value;
                    break;
                case "client_encoding":
                    b.ClientEncoding = value;
                    break;
                case "gssencmode":
                    b.GssEncryptionMode = value switch
                    {
                        "disable" => GssEncryptionMode.Disable,
                        "require" => GssEncryptionMode.Require,
                        _ => GssEncryptionMode.Prefer,
                    };
                    break;
                default:
                    BarmanLog.For("barman.postgres").Debug("conninfo keyword '{Key:l}' has no Npgsql equivalent: ignored", key);
                    break;
            }
        }
        if (string.IsNullOrEmpty(b.Host))
            b.Host = hostaddr ?? Environment.GetEnvironmentVariable("PGHOST") ?? "/var/run/postgresql";
        if (applicationName is not null && string.IsNullOrEmpty(b.ApplicationName))
            b.ApplicationName = applicationName;
        if (timeoutSeconds is { } timeout && conninfo["connect_timeout"] is null)
            b.Timeout = timeout;
        return b.ConnectionString;
    }
}
