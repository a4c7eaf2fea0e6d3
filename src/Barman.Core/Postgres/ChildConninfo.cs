namespace Barman.Core.Postgres;

/// <summary>
/// A conninfo handed to a libpq program (pg_receivewal): its password is taken out of the connection
/// string, which ends up on a command line every local user can read (<c>ps</c>, <c>/proc/&lt;pid&gt;/cmdline</c>),
/// and passed in <c>PGPASSWORD</c>, which libpq reads when the string has no password and which only
/// the same user and root can read (<c>/proc/&lt;pid&gt;/environ</c> is private). libpq gives a
/// connection-string password precedence over <c>PGPASSWORD</c>, and <c>PGPASSWORD</c> over the
/// passfile: the child authenticates exactly as it would with the password in its argv.
/// </summary>
/// <param name="Conninfo">the connection string without its password.</param>
/// <param name="Environment">what the child's environment must add: <c>PGPASSWORD</c> when there was a password.</param>
internal sealed record ChildConninfo(Conninfo Conninfo, IReadOnlyDictionary<string, string> Environment)
{
    public const string PasswordVariable = "PGPASSWORD";

    public static ChildConninfo For(Conninfo conninfo)
    {
        var password = conninfo["password"];
        return password is null
            ? new ChildConninfo(conninfo, new Dictionary<string, string>(StringComparer.Ordinal))
            : new ChildConninfo(conninfo.Without("password"), new Dictionary<string, string>(StringComparer.Ordinal) { [PasswordVariable] = password });
    }
}
