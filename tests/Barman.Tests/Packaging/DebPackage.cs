using System.Text.RegularExpressions;
using System.Xml.Linq;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Packaging;

/// <summary>One member of the package's data archive, as <c>dpkg-deb -c</c> lists it.</summary>
public sealed record DebEntry(string Mode, string Owner, long Size, string Path);

/// <summary>
/// The Debian package that scripts/build-deb.sh builds from this test build's barman apphost (the
/// packaging is under test here, not the NativeAOT publish, which takes a minute), unpacked:
/// <see cref="Tree"/> holds the files, <see cref="ControlDirectory"/> the control archive.
/// </summary>
public sealed partial class DebPackage : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new("barman-deb");

    public static string Version { get; } =
        XDocument.Load(Repository.Combine("Directory.Build.props")).Descendants("Version").Single().Value;

    /// <summary>The binary packaged as /usr/bin/barman.</summary>
    public static string Binary => CliRunner.ExecutablePath;

    public string DebPath { get; private set; } = "";

    public string Tree => _dir.Combine("tree");

    public string ControlDirectory => _dir.Combine("control");

    public IReadOnlyDictionary<string, string> Control { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<DebEntry> Entries { get; private set; } = [];

    /// <summary>Runs scripts/build-deb.sh with the given arguments (the output directory is added when missing).</summary>
    public static Task<CliResult> BuildAsync(string outputDirectory, params string[] args) =>
        ExternalProcess.RunAsync(Repository.Combine("scripts", "build-deb.sh"), [.. args, "--output", outputDirectory]);

    public async Task InitializeAsync()
    {
        var build = await BuildAsync(_dir.Combine("dist"), "--binary", Binary);
        Assert.True(build.ExitCode == 0, build.ToString());
        DebPath = build.Out.Trim();
        await ExternalProcess.RunCheckedAsync("dpkg-deb", "-x", DebPath, Tree);
        await ExternalProcess.RunCheckedAsync("dpkg-deb", "-e", DebPath, ControlDirectory);
        Control = ParseControl(File.ReadAllText(Path.Combine(ControlDirectory, "control")));
        var listing = await ExternalProcess.RunCheckedAsync("dpkg-deb", "-c", DebPath);
        Entries = [.. listing.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseEntry)];
    }

    public string TreePath(string absolute) => Path.Combine(Tree, absolute.TrimStart('/'));

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();

    /// <summary>Fields of a control file (continuation lines joined with '\n').</summary>
    internal static Dictionary<string, string> ParseControl(string text)
    {
        var fields = new Dictionary<string, string>();
        string? last = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith(' ') && last is not null)
            {
                fields[last] += "\n" + line;
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            last = line[..colon];
            fields[last] = line[(colon + 1)..].Trim();
        }
        return fields;
    }

    private static DebEntry ParseEntry(string line)
    {
        var m = ListingLine().Match(line);
        Assert.True(m.Success, line);
        return new DebEntry(m.Groups["mode"].Value, m.Groups["owner"].Value, long.Parse(m.Groups["size"].Value, System.Globalization.CultureInfo.InvariantCulture),
            "/" + m.Groups["path"].Value.TrimEnd('/'));
    }

    [GeneratedRegex(@"^(?<mode>[-dlrwxsStT]{10}) (?<owner>\S+)\s+(?<size>\d+) \S+ \S+ \./(?<path>.*)$")]
    private static partial Regex ListingLine();
}
