using Barman.Core.Configuration;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Configuration;

public sealed class ConfigDocsTests
{
    [Fact]
    public void Committed_configuration_docs_match_the_key_table()
    {
        var path = Path.Combine(Repository.Root, "docs", "configuration.md");
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
