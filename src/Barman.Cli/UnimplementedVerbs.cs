namespace Barman.Cli;

/// <summary>
/// The verbs of Barman 3.4's command line (barman/cli.py, aliases included) that this tool does not
/// implement: asking for one is a one-line error pointing to docs/compatibility.md, not a typo. A verb
/// the command tree has always wins over this list, so adding a verb never needs it changed first;
/// remove the names here when you add them (a test says so).
/// </summary>
internal static class UnimplementedVerbs
{
    public static readonly IReadOnlyList<string> Barman34 =
    [
        "backup", "check-backup", "check-wal-archive", "delete", "diagnose", "generate-manifest", "get-wal",
        "keep", "list-backup", "list-backups", "list-files", "put-wal", "rebuild-xlogdb", "recover",
        "show-backup", "show-backups", "sync-backup", "sync-info", "sync-wals", "verify", "verify-backup",
    ];

    /// <summary>The one line for <paramref name="verb"/>.</summary>
    public static string Message(string verb) =>
        $"{ArgparseText.Program}: error: '{verb}' is a Barman command that this tool does not implement " +
        "(it streams and archives WAL only): see docs/compatibility.md";
}
