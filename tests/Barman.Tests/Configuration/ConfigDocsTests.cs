using Barman.Core.Configuration;

namespace Barman.Tests.Configuration;

public sealed class ConfigDocsTests
{
    /// <summary>The repository root (where Barman.sln is), found from the test binaries.</summary>
    internal static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Barman.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Barman.sln not found above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public void Committed_configuration_docs_match_the_key_table()
    {
        var path = Path.Combine(RepositoryRoot, "docs", "configuration.md");
        var expected = ConfigDocs.Render();
        if (Environment.GetEnvironmentVariable("BARMAN_UPDATE_DOCS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }
        var actual = File.Exists(path) ? File.ReadAllText(path) : "";
        Assert.True(expected == actual,
            "docs/configuration.md is out of date with ConfigKeys: run `BARMAN_UPDATE_DOCS=1 dotnet test --filter FullyQualifiedName~ConfigDocsTests` and commit it.");
    }

    [Fact]
    public void Every_key_is_documented_once_with_a_parser_and_a_display()
    {
        Assert.Equal(ConfigKeys.All.Count, ConfigKeys.All.Select(k => k.Name).Distinct().Count());
        foreach (var key in ConfigKeys.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(key.Doc), key.Name);
            if (key.Scope == ConfigScope.Global)
                Assert.NotNull(key.ApplyGlobal);
            else
                Assert.NotNull(key.Show);
        }
        var docs = ConfigDocs.Render();
        foreach (var key in ConfigKeys.All)
            Assert.Contains($"| `{key.Name}` |", docs);
    }
}
