using Barman.Tests.Infrastructure;

namespace Barman.Tests.Architecture;

/// <summary>Small files, one concept each: no source file under src/ is over <see cref="MaxLines"/> lines.</summary>
public sealed class FileSizeTests
{
    private const int MaxLines = 400;

    [Fact]
    public void No_source_file_is_over_400_lines()
    {
        var oversized = Oversized(Repository.Combine("src"), MaxLines);
        Assert.True(oversized.Count == 0, $"over {MaxLines} lines (split them by concept):\n" + string.Join("\n", oversized));
    }

    [Fact]
    public void The_check_sees_a_file_one_line_too_long()
    {
        using var dir = new TempDir();
        dir.Write("A/Fits.cs", string.Concat(Enumerable.Repeat("x\n", MaxLines)));
        dir.Write("A/B/TooLong.cs", string.Concat(Enumerable.Repeat("x\n", MaxLines + 1)));
        dir.Write("A/obj/Generated.cs", string.Concat(Enumerable.Repeat("x\n", MaxLines + 1)));

        Assert.Equal([Path.Combine("A", "B", "TooLong.cs") + $": {MaxLines + 1} lines"], Oversized(dir.Path, MaxLines));
    }

    /// <summary>The C# files under <paramref name="directory"/> (build output excluded) longer than <paramref name="max"/> lines.</summary>
    private static List<string> Oversized(string directory, int max) =>
        [.. Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(f => (Path: Path.GetRelativePath(directory, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > max)
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => $"{f.Path}: {f.Lines} lines")];
}
