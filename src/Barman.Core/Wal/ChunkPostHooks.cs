namespace Barman.Core.Wal;

/// <summary>The post hooks of a committed chunk, run once the xlogdb lock is released.</summary>
internal static class ChunkPostHooks
{
    /// <summary>
    /// In order, each seeing its durable archive file and xlog.db line. Files after a failed one had
    /// their pre hooks run: they get their post hooks too, with the failure.
    /// </summary>
    public static async Task RunAsync(ArchiveHooks hooks, IReadOnlyList<ArchiveItem> items, CommitResult commit, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            var error = item.Outcome switch
            {
                _ when commit.Archived.Contains(item) => null,
                ArchiveOutcome.Corrupt => $"CorruptWalFile:{item.Refusal}",
                ArchiveOutcome.MatchingDuplicate or ArchiveOutcome.Duplicate => hooks.DuplicateError(item.Source, item.Outcome == ArchiveOutcome.MatchingDuplicate),
                _ => commit.Cause ?? "unknown error",
            };
            await hooks.RunPostAsync(item.Source, item.Destination, error is null ? (item.Size, item.Compression) : null, error, cancellationToken);
            CrashPoint.Hit("post-hooks");
        }
    }
}
