namespace Barman.Tests.Infrastructure;

/// <summary>The checkout the tests run from.</summary>
internal static class Repository
{
    /// <summary>The repository root (where Barman.sln is), found from the test binaries.</summary>
    public static string Root { get; } = Find();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Barman.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Barman.sln not found above " + AppContext.BaseDirectory);
    }
}
