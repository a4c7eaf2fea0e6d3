namespace Barman.Core.Wal.Format;

/// <summary>
/// The problems of a run: all counted, the first <c>limit</c> found kept (a ruined archive must not fill the
/// memory with a problem per segment), listed by timeline, then position.
/// </summary>
internal sealed class ProblemList(int limit)
{
    private readonly List<WalProblem> _kept = [];

    public int Count { get; private set; }

    public void Add(WalProblem problem)
    {
        Count++;
        if (_kept.Count < limit)
            _kept.Add(problem);
    }

    public IReadOnlyList<WalProblem> Ordered() =>
    [
        .. _kept.OrderBy(p => WalFileName.Timeline(p.File) ?? 0)
            .ThenBy(p => p.Lsn ?? 0)
            .ThenBy(p => p.File, StringComparer.Ordinal),
    ];
}
