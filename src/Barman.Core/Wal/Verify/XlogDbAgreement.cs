using Barman.Core.Wal.Format;

namespace Barman.Core.Wal.Verify;

/// <summary>
/// xlog.db against the archive, both ways: a file listed in xlog.db that the archive does not hold is lost
/// (get-wal and restores trust xlog.db), a file the archive holds that xlog.db does not list is invisible to
/// Barman's retention and <c>rebuild-xlogdb</c> is needed.
/// </summary>
internal static class XlogDbAgreement
{
    public static IReadOnlyList<WalProblem> Compare(IEnumerable<XlogDbEntry> entries, IReadOnlyDictionary<string, Storage.ArchiveKey> archived)
    {
        var problems = new List<WalProblem>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!listed.Add(entry.Name) || !WalFileName.IsAnyXlogFile(entry.Name))
                continue;
            if (!archived.ContainsKey(entry.Name))
                problems.Add(new WalProblem(entry.Name, null, WalProblemKind.Missing, "listed in xlog.db but not in the archive"));
        }
        foreach (var name in archived.Keys.Order(StringComparer.Ordinal))
        {
            if (!listed.Contains(name))
                problems.Add(new WalProblem(name, null, WalProblemKind.Catalog, "in the archive but not listed in xlog.db (barman rebuild-xlogdb lists it)"));
        }
        return problems;
    }
}
