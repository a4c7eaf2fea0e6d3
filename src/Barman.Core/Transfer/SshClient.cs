namespace Barman.Core.Transfer;

/// <summary>Barman's <c>source_suffix</c>: get-wal and put-wal run over ssh name the client host in their messages.</summary>
internal static class SshClient
{
    /// <summary><c> (SSH host: &lt;client address&gt;)</c> when run by sshd (<c>SSH_CONNECTION</c>), else empty.</summary>
    public static string Suffix()
    {
        var connection = Environment.GetEnvironmentVariable("SSH_CONNECTION");
        if (string.IsNullOrWhiteSpace(connection))
            return "";
        return $" (SSH host: {connection.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]})";
    }
}
