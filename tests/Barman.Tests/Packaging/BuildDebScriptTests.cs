using Barman.Tests.Infrastructure;

namespace Barman.Tests.Packaging;

/// <summary>scripts/build-deb.sh refuses what would make a wrong package, with one clear line, and writes nothing.</summary>
public sealed class BuildDebScriptTests
{
    [Fact]
    public async Task A_binary_linking_a_library_it_has_no_package_for_stops_the_build()
    {
        // pg_receivewal links libpq.so.5: a package built from it would lack a dependency.
        using var dir = new TempDir();
        var r = await DebPackage.BuildAsync(dir.Path, "--binary", "/usr/lib/postgresql/15/bin/pg_receivewal");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("links libpq.so.5: add its Debian package to the table in scripts/build-deb.sh", r.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task A_binary_that_is_no_x86_64_executable_stops_the_build()
    {
        using var dir = new TempDir();
        var script = dir.Write("barman", "#!/bin/sh\necho not native\n");

        var r = await DebPackage.BuildAsync(dir.Combine("dist"), "--binary", script);

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"'{script}' is not an x86-64 ELF executable", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("dist")));
    }

    [Fact]
    public async Task A_version_without_its_changelog_entry_stops_the_build()
    {
        // A copy of what the script reads, with the next version in Directory.Build.props only.
        using var copy = new TempDir();
        foreach (var part in new[] { "scripts", "packaging", "samples", "docs" })
            copy.CopyTree(Repository.Combine(part), part);
        File.Copy(Repository.Combine("README.md"), copy.Combine("README.md"));
        var props = File.ReadAllText(Repository.Combine("Directory.Build.props"))
            .Replace($"<Version>{DebPackage.Version}</Version>", "<Version>99.0.0</Version>", StringComparison.Ordinal);
        File.WriteAllText(copy.Combine("Directory.Build.props"), props);

        var r = await ExternalProcess.RunAsync(copy.Combine("scripts", "build-deb.sh"), ["--binary", DebPackage.Binary]);

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"packaging/deb/changelog starts with version '{DebPackage.Version}', Directory.Build.props says '99.0.0': add a changelog entry", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(copy.Combine("dist")));
    }
}
