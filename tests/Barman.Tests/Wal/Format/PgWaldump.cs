using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Wal.Format;

/// <summary>The reference reader: PostgreSQL 15's pg_waldump over segment files of a directory.</summary>
internal static partial class PgWaldump
{
    public static string Binary => Path.Combine(PgCluster.BinDir, "pg_waldump");

    /// <summary>What pg_waldump said: its exit code, its error and the LSN the error names (null when it names none).</summary>
    public sealed record Outcome(int ExitCode, string Error, ulong? Lsn)
    {
        public bool Passed => ExitCode == 0;

        public string Check => CheckOf(Error);
    }

    private static readonly (string Words, string Check)[] Checks =
    [
        ("invalid record length", "length"),
        ("invalid resource manager ID", "resource manager"),
        ("incorrect prev-link", "prev-link"),
        ("contrecord is requested", "contrecord requested"),
        ("no contrecord flag", "no contrecord flag"),
        ("invalid contrecord length", "contrecord length"),
        ("checksum", "crc"),
        ("invalid magic number", "magic"),
        ("invalid info bits", "info bits"),
        ("pageaddr", "page address"),
        ("page address", "page address"),
        ("out-of-sequence timeline", "timeline"),
        ("different database system", "database system"),
    ];

    /// <summary>Which check an error message (pg_waldump's or the engine's) is about.</summary>
    public static string CheckOf(string message) =>
        Checks.FirstOrDefault(c => message.Contains(c.Words, StringComparison.Ordinal)).Check ?? "other";

    /// <summary>A record as pg_waldump lists it.</summary>
    public sealed record Record(ulong Lsn, uint TotalLength, ulong Previous, string ResourceManager);

    /// <summary><c>pg_waldump -q -p DIR FIRST LAST</c>: every record from the first segment's first record to the end of the last.</summary>
    public static async Task<Outcome> VerifyAsync(string directory, string first, string last, long segmentSize = Lsn.DefaultSegmentSize)
    {
        var (exit, _, stderr) = await RunAsync("-q", "-p", directory, first, last);
        return new Outcome(exit, stderr.Trim(), exit == 0 ? null : ErrorLsn(stderr, segmentSize));
    }

    /// <summary>The records of one resource manager in the segments FIRST to LAST (pg_waldump -r).</summary>
    public static async Task<IReadOnlyList<Record>> RecordsAsync(string directory, string first, string last, string resourceManager)
    {
        var (_, stdout, _) = await RunAsync("-r", resourceManager, "-p", directory, first, last);
        var records = new List<Record>();
        foreach (Match m in RecordLine().Matches(stdout))
        {
            records.Add(new Record(Lsn.Parse(m.Groups["lsn"].Value), uint.Parse(m.Groups["tot"].Value, CultureInfo.InvariantCulture),
                Lsn.Parse(m.Groups["prev"].Value), m.Groups["rmgr"].Value));
        }
        return records;
    }

    /// <summary>How many records pg_waldump reads from FIRST to LAST (<c>--stats</c>), and its outcome.</summary>
    public static async Task<(long Records, Outcome Outcome)> CountAsync(string directory, string first, string last)
    {
        var (exit, stdout, stderr) = await RunAsync("--stats", "-p", directory, first, last);
        var total = TotalLine().Match(stdout);
        return (total.Success ? long.Parse(total.Groups["count"].Value, CultureInfo.InvariantCulture) : -1,
            new Outcome(exit, stderr.Trim(), exit == 0 ? null : ErrorLsn(stderr)));
    }

    /// <summary>
    /// The LSN an error of PostgreSQL 15's xlogreader names: a page by its segment and offset, a record by its
    /// start (the last LSN of a prev-link error, the first of the others).
    /// </summary>
    public static ulong? ErrorLsn(string stderr, long segmentSize = Lsn.DefaultSegmentSize)
    {
        var error = ErrorLine().Match(stderr);
        if (!error.Success)
            return null;
        var message = error.Groups["message"].Value;
        var page = PageOffset().Match(message);
        if (page.Success)
            return Lsn.SegmentStart(page.Groups["segment"].Value, segmentSize) + ulong.Parse(page.Groups["offset"].Value, CultureInfo.InvariantCulture);
        var lsns = LsnToken().Matches(message);
        if (lsns.Count == 0)
            return null;
        return Lsn.Parse((message.Contains("prev-link", StringComparison.Ordinal) ? lsns[^1] : lsns[0]).Value);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"error in WAL record at [0-9A-F]+/[0-9A-F]+: (?<message>.*)")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"in log segment (?<segment>[0-9A-F]{24}), offset (?<offset>\d+)")]
    private static partial Regex PageOffset();

    [GeneratedRegex(@"\b[0-9A-F]+/[0-9A-F]+\b")]
    private static partial Regex LsnToken();

    [GeneratedRegex(@"^Total\s+(?<count>\d+)", RegexOptions.Multiline)]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"rmgr: (?<rmgr>\S+)\s+len \(rec/tot\):\s+\d+/\s*(?<tot>\d+), tx:\s+\d+, lsn: (?<lsn>[0-9A-F]+/[0-9A-F]+), prev (?<prev>[0-9A-F]+/[0-9A-F]+)")]
    private static partial Regex RecordLine();
}
