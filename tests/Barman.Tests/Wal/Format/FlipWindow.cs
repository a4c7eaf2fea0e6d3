using Barman.Core.Wal;
using Barman.Core.Wal.Format;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Wal.Format;

/// <summary>
/// A run of consecutive segment files in a directory of its own, named as pg_waldump wants them (a
/// <c>.partial</c> without its suffix, an ancestor's segment under the timeline of the files after it), read by
/// pg_waldump and by the engine; bytes can be flipped and flipped back.
/// </summary>
internal sealed class FlipWindow : IDisposable
{
    private readonly TempDir _dir = new("barman-walflip");

    /// <param name="files">(captured file, name in the window) in WAL order.</param>
    public FlipWindow(WalTimelineFixture wal, IReadOnlyList<(string Source, string Name)> files)
    {
        Names = [.. files.Select(f => f.Name)];
        foreach (var (source, name) in files)
            File.Copy(wal.Path(source), _dir.Combine(name));
    }

    public IReadOnlyList<string> Names { get; }

    public void Flip(string name, long offset, byte mask)
    {
        using var file = new FileStream(_dir.Combine(name), FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var b = (byte)file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ mask));
    }

    public Task<PgWaldump.Outcome> PgWaldumpAsync() => PgWaldump.VerifyAsync(_dir.Path, Names[0], Names[^1]);

    /// <summary>The engine on the same files as one chain: where it finds the first problem (null: none).</summary>
    public async Task<WalProblem?> EngineAsync()
    {
        var expect = new WalExpectations();
        var chain = new SegmentChain(new SegmentScanner(LocalWalDirectory.Open(_dir.Path), expect, parallelism: 1));
        var problems = new List<WalProblem>();
        await chain.VerifyAsync(Names.Select(n => WalSegmentFile.FromName(n, Lsn.DefaultSegmentSize)!), ChainBoundary.Start(expect),
            step => problems.AddRange(step.Problems), default);
        return problems.OrderBy(p => p.Lsn ?? ulong.MaxValue).FirstOrDefault();
    }

    public void Dispose() => _dir.Dispose();
}
