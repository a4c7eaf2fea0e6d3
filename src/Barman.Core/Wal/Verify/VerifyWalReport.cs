using System.Globalization;
using Barman.Core.Wal.Format;

namespace Barman.Core.Wal.Verify;

/// <summary>
/// What verify-wal found in one server's archive, as the operator reads it: a line per timeline (first, last,
/// file count, status), a line per problem (file, LSN, what is wrong), a summary; and the same as a JSON
/// document (modelled on WAL-G's <c>wal-verify</c>: timelines with ranges and statuses, then the problems).
/// </summary>
internal sealed record VerifyWalReport(
    WalVerification Verification,
    IReadOnlyList<WalProblem> Problems,
    int ProblemCount,
    string? ResumedFrom,
    TimeSpan Elapsed)
{
    public bool IsProven => ProblemCount == 0;

    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>();
        if (ResumedFrom is not null)
            lines.Add($"Resuming from {ResumedFrom}, the end of the last proven run");
        foreach (var t in Verification.Timelines)
        {
            var branch = t.Parent is { } parent ? $" (from timeline {parent})" : "";
            lines.Add($"Timeline {t.Timeline}{branch}: {t.FirstFile} to {t.LastFile}, {Count(t.FileCount, "file")}, " +
                $"{Count(t.RecordCount, "record")}, WAL {Lsn.Format(t.StartLsn)} to {Lsn.Format(t.EndLsn)}: {Status(t.Status)}");
        }
        if (Verification.Timelines.Count == 0)
            lines.Add("No WAL segment in the archive");
        foreach (var problem in Problems)
            lines.Add($"\t{problem}");
        if (ProblemCount > Problems.Count)
            lines.Add($"\t... and {ProblemCount - Problems.Count} more problems");
        var seconds = Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        lines.Add($"Verified {Count(Verification.FileCount, "file")}, {Count(Verification.RecordCount, "record")}, " +
            $"{Verification.Bytes} bytes in {seconds} s: " + (IsProven ? "every byte proven" : Count(ProblemCount, "problem")));
        return lines;
    }

    /// <summary>The <c>-f json</c> document under the server's key.</summary>
    public IReadOnlyDictionary<string, object?> Document() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["status"] = IsProven ? "OK" : "FAILED",
        ["resumed_from"] = ResumedFrom,
        ["files"] = Verification.FileCount,
        ["records"] = Verification.RecordCount,
        ["bytes"] = Verification.Bytes,
        ["problem_count"] = (long)ProblemCount,
        ["timelines"] = Verification.Timelines.Select(t => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["timeline"] = (long)t.Timeline,
            ["parent"] = t.Parent is { } p ? (long)p : null,
            ["first"] = t.FirstFile,
            ["last"] = t.LastFile,
            ["files"] = (long)t.FileCount,
            ["records"] = t.RecordCount,
            ["start_lsn"] = Lsn.Format(t.StartLsn),
            ["end_lsn"] = Lsn.Format(t.EndLsn),
            ["switch_lsn"] = t.EndsAt is { } at ? Lsn.Format(at) : null,
            ["status"] = Status(t.Status),
        }).ToList(),
        ["problems"] = Problems.Select(p => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["file"] = p.File,
            ["lsn"] = p.Lsn is { } at ? Lsn.Format(at) : null,
            ["kind"] = p.Kind.ToString().ToLowerInvariant(),
            ["message"] = p.Message,
        }).ToList(),
    };

    private static string Status(TimelineStatus status) => status == TimelineStatus.Ok ? "OK" : "FAILED";

    private static string Count(long n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
