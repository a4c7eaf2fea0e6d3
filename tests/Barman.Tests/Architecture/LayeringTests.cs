using System.Text.RegularExpressions;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Architecture;

/// <summary>
/// The namespaces of Barman.Core in one order, bottom to top (docs/architecture.md): a namespace
/// may use those below it, never one above. A new namespace must be given its place here.
/// </summary>
public sealed partial class LayeringTests
{
    private const string Root = "Barman.Core";

    /// <summary>Bottom to top. <c>ROOT</c> is <c>Barman.Core</c> itself: the session, above everything.</summary>
    internal static readonly string[] Layers =
    [
        "Text", "Os", "Compression", "Logging", "Configuration", "Output", "Listing", "Postgres",
        "Hooks", "Storage", "Wal", "Streaming", "Checks", "Metrics", "Cron", "ROOT",
    ];

    [Fact]
    public void No_namespace_depends_on_one_above_it()
    {
        var graph = SourceGraph.Read(Repository.Combine("src", "Barman.Core"), Root);
        var unknown = graph.Nodes.Except(Layers).ToList();
        Assert.True(unknown.Count == 0, $"namespaces without a layer in {nameof(Layers)}: {string.Join(", ", unknown)}");

        var upward = graph.Edges
            .Where(e => Array.IndexOf(Layers, e.From) <= Array.IndexOf(Layers, e.To))
            .Select(e => $"{e.From} -> {e.To} ({string.Join(", ", e.Files.Order(StringComparer.Ordinal))})")
            .ToList();
        Assert.True(upward.Count == 0, "dependencies pointing up:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void The_checker_sees_a_using_a_qualified_name_and_a_root_type()
    {
        using var dir = new TempDir();
        dir.Write("Os/Low.cs", "using Barman.Core.Wal;\nnamespace Barman.Core.Os;\nclass Low { }\n");
        dir.Write("Logging/Mid.cs", "namespace Barman.Core.Logging;\nclass Mid { object x = Wal.Thing.Make(); /* Cron.Ignored */ string s = \"Cron.Ignored\"; }\n");
        dir.Write("Wal/Thing.cs", "namespace Barman.Core.Wal;\nclass Thing { Session? s; }\n");
        dir.Write("Cron/Job.cs", "namespace Barman.Core.Cron;\nclass Job { }\n");
        dir.Write("Session.cs", "namespace Barman.Core;\nclass Session { }\n");

        var edges = SourceGraph.Read(dir.Path, Root).Edges.Select(e => $"{e.From}->{e.To}").Order(StringComparer.Ordinal);

        Assert.Equal(["Logging->Wal", "Os->Wal", "Wal->ROOT"], edges);
    }

    /// <summary>The namespace graph as read from the sources (<c>using</c>s, partial qualifications, root types).</summary>
    private sealed partial record SourceGraph(IReadOnlySet<string> Nodes, IReadOnlyList<SourceGraph.Edge> Edges)
    {
        public sealed record Edge(string From, string To, IReadOnlySet<string> Files);

        [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
        private static partial Regex NamespaceDeclaration();

        [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(\w+)")]
        private static partial Regex TypeDeclaration();

        [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|""(?:\\.|[^""\\\n])*""", RegexOptions.Singleline)]
        private static partial Regex CommentsAndStrings();

        [GeneratedRegex(@"^\s*using\s+[^;]+;", RegexOptions.Multiline)]
        private static partial Regex UsingDirective();

        public static SourceGraph Read(string directory, string root)
        {
            var files = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
                .Select(f => (Path: Path.GetRelativePath(directory, f), Text: CommentsAndStrings().Replace(File.ReadAllText(f), " ")))
                .Select(f => (f.Path, f.Text, Node: NodeOf(NamespaceDeclaration().Match(f.Text).Groups[1].Value, root)))
                .Where(f => f.Node is not null)
                .ToList();
            var nodes = files.Select(f => f.Node!).ToHashSet(StringComparer.Ordinal);
            var rootTypes = files.Where(f => f.Node == "ROOT")
                .SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => m.Groups[1].Value))
                .ToHashSet(StringComparer.Ordinal);

            var edges = new Dictionary<(string, string), HashSet<string>>();
            foreach (var (path, text, from) in files)
            {
                var targets = new HashSet<string>(StringComparer.Ordinal);
                foreach (Match m in Regex.Matches(text, @"^\s*using\s+(?:static\s+)?" + Regex.Escape(root) + @"\.(\w+)", RegexOptions.Multiline))
                    targets.Add(m.Groups[1].Value);
                var body = UsingDirective().Replace(text, " ");
                foreach (var node in nodes.Where(n => n != "ROOT"))
                {
                    if (Regex.IsMatch(body, @"(?<![\w.])" + node + @"\.[A-Z]\w*"))
                        targets.Add(node);
                }
                if (from != "ROOT" && rootTypes.Any(t => Regex.IsMatch(body, @"(?<![\w.])" + t + @"\b")))
                    targets.Add("ROOT");
                foreach (var to in targets.Where(t => t != from && nodes.Contains(t)))
                {
                    if (!edges.TryGetValue((from!, to), out var set))
                        edges[(from!, to)] = set = new HashSet<string>(StringComparer.Ordinal);
                    set.Add(path);
                }
            }
            return new SourceGraph(nodes, [.. edges.Select(e => new Edge(e.Key.Item1, e.Key.Item2, e.Value))]);
        }

        private static string? NodeOf(string ns, string root) =>
            ns == root ? "ROOT"
            : ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..].Split('.')[0]
            : null;
    }
}
