using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Barman.Core.Configuration;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Packaging;

/// <summary>What scripts/build-deb.sh puts into the package: paths, modes, owners, control fields, conffiles.</summary>
public sealed partial class PackageContentsTests(DebPackage package) : IClassFixture<DebPackage>
{
    private const string Doc = "/usr/share/doc/barman-dotnet";

    [Fact]
    public void The_file_name_carries_the_version_of_Directory_Build_props()
    {
        Assert.Equal($"barman-dotnet_{DebPackage.Version}_amd64.deb", Path.GetFileName(package.DebPath));
    }

    [Fact]
    public void Control_fields_say_what_it_is_and_how_it_relates_to_Debians_barman()
    {
        var control = package.Control;
        Assert.Equal("barman-dotnet", control["Package"]);
        Assert.Equal(DebPackage.Version, control["Version"]);
        Assert.Equal("amd64", control["Architecture"]);
        Assert.Equal("database", control["Section"]);
        Assert.Equal("optional", control["Priority"]);
        Assert.Matches(@"^.+ <[^@ ]+@[^> ]+>$", control["Maintainer"]);
        Assert.StartsWith("Barman-compatible WAL streaming and archiving for PostgreSQL\n", control["Description"], StringComparison.Ordinal);
        // Same /usr/bin/barman, /etc/barman.conf, /etc/cron.d/barman...: Debian's barman goes away
        // (its conffiles are taken over), but this is no drop-in for barman's backups: no Provides.
        Assert.Equal("barman", control["Conflicts"]);
        Assert.Equal("barman", control["Replaces"]);
        Assert.False(control.ContainsKey("Provides"));
        Assert.False(control.ContainsKey("Breaks"));
    }

    [Fact]
    public void Depends_on_what_the_binary_links_and_on_adduser_and_pg_receivewal()
    {
        // Read from the binary's bytes here, independently of the script's objdump.
        var bytes = Encoding.Latin1.GetString(File.ReadAllBytes(DebPackage.Binary));
        var glibc = GlibcVersion().Matches(bytes).Select(m => new Version(m.Groups[1].Value)).Max()!;
        var expected = new List<string> { $"libc6 (>= {glibc})" };
        if (bytes.Contains("libgcc_s.so.1\0", StringComparison.Ordinal))
            expected.Add("libgcc-s1");
        if (bytes.Contains("libstdc++.so.6\0", StringComparison.Ordinal))
            expected.Add("libstdc++6");
        expected.AddRange(["adduser", "postgresql-client"]);
        Assert.Equal(string.Join(", ", expected), package.Control["Depends"]);
    }

    [Fact]
    public void Files_directories_modes_and_owners_are_exactly_these()
    {
        string Compressed(string repositoryFile, string packagePath) =>
            new FileInfo(Repository.Combine(repositoryFile)).Length > 4096 ? packagePath + ".gz" : packagePath;
        var files = new List<string>
        {
            "/usr/bin/barman",
            "/etc/barman.conf", "/etc/barman.d/streaming-server.conf-template", "/etc/barman.d/streaming-server.toml-template",
            "/etc/cron.d/barman", "/etc/logrotate.d/barman",
            $"{Doc}/copyright", $"{Doc}/changelog.gz", Compressed("README.md", $"{Doc}/README.md"),
            "/usr/share/man/man1/barman.1.gz", "/usr/share/lintian/overrides/barman-dotnet",
        };
        files.AddRange(Directory.GetFiles(Repository.Combine("docs"), "*.md").Select(f => Compressed(Path.Combine("docs", Path.GetFileName(f)), $"{Doc}/docs/{Path.GetFileName(f)}")));
        files.AddRange(Directory.GetFiles(Repository.Combine("samples", "systemd")).Select(f => $"{Doc}/examples/systemd/{Path.GetFileName(f)}"));
        var directories = files.SelectMany(Parents).Append("/").ToHashSet();

        Assert.Equal(files.Concat(directories).Order(StringComparer.Ordinal), package.Entries.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.All(package.Entries, e => Assert.Equal("root/root", e.Owner));
        Assert.All(package.Entries, e => Assert.Equal(
            directories.Contains(e.Path) ? "drwxr-xr-x" : e.Path == "/usr/bin/barman" ? "-rwxr-xr-x" : "-rw-r--r--", e.Mode));
        // /var/lib/barman and /var/log/barman are the postinst's (barman's, mode 0750): not in the archive.
        Assert.DoesNotContain(package.Entries, e => e.Path.StartsWith("/var", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_file_under_etc_is_a_conffile()
    {
        var conffiles = File.ReadAllLines(Path.Combine(package.ControlDirectory, "conffiles"));
        Assert.Equal(
            package.Entries.Where(e => e.Path.StartsWith("/etc/", StringComparison.Ordinal) && e.Mode[0] == '-').Select(e => e.Path).Order(StringComparer.Ordinal),
            conffiles);
        Assert.Equal(5, conffiles.Length);
    }

    [Fact]
    public void Control_archive_has_the_maintainer_scripts_and_md5sums_of_every_other_file()
    {
        Assert.Equal(["conffiles", "control", "md5sums", "postinst", "postrm"],
            Directory.GetFiles(package.ControlDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var script in new[] { "postinst", "postrm" })
        {
            Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(package.ControlDirectory, script)));
            Assert.Equal(File.ReadAllText(Repository.Combine("packaging", "deb", script)), File.ReadAllText(Path.Combine(package.ControlDirectory, script)));
        }
        var md5sums = File.ReadAllLines(Path.Combine(package.ControlDirectory, "md5sums"))
            .Select(l => l.Split("  ", 2)).ToDictionary(f => "/" + f[1], f => f[0]);
        var usrFiles = package.Entries.Where(e => e.Mode[0] == '-' && e.Path.StartsWith("/usr/", StringComparison.Ordinal)).Select(e => e.Path);
        Assert.Equal(usrFiles.Order(StringComparer.Ordinal), md5sums.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, md5) in md5sums)
            Assert.Equal(md5, Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(package.TreePath(path)))));
    }

    [Fact]
    public void Installed_size_counts_the_files_in_KiB()
    {
        var bytes = package.Entries.Sum(e => e.Size);
        var installedSize = long.Parse(package.Control["Installed-Size"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(installedSize, bytes / 1024, (bytes / 1024) + (package.Entries.Count * 4) + 1);
    }

    [Fact]
    public void The_binary_is_the_one_given_and_the_cron_job_calls_it()
    {
        Assert.Equal(File.ReadAllBytes(DebPackage.Binary), File.ReadAllBytes(package.TreePath("/usr/bin/barman")));
        var cron = File.ReadAllText(package.TreePath("/etc/cron.d/barman"));
        // Debian's barman has the same line: the job keeps working across the migration.
        Assert.Contains("\n* * * * * barman [ -x /usr/bin/barman ] && /usr/bin/barman -q cron\n", cron, StringComparison.Ordinal);
        Assert.Contains("\nMAILTO=root\n", cron, StringComparison.Ordinal);
        Assert.DoesNotContain("/usr/local", cron, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Repository.Combine("samples", "logrotate.d", "barman")), File.ReadAllText(package.TreePath("/etc/logrotate.d/barman")));
        foreach (var unit in Directory.GetFiles(package.TreePath($"{Doc}/examples/systemd")))
        {
            var text = File.ReadAllText(unit);
            Assert.DoesNotContain("/usr/local", text, StringComparison.Ordinal);
            if (text.Contains("ExecStart=", StringComparison.Ordinal))
                Assert.Contains("ExecStart=/usr/bin/barman ", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Etc_barman_conf_sets_Debians_locations_and_defines_no_server()
    {
        using var dir = new TempDir();
        // Read as installed, with /etc/barman.d pointing at the package's copy.
        var text = File.ReadAllText(package.TreePath("/etc/barman.conf"));
        Assert.Contains("\nconfiguration_files_directory = /etc/barman.d\n", text, StringComparison.Ordinal);
        var path = dir.Write("barman.conf", text.Replace("= /etc/barman.d", "= " + package.TreePath("/etc/barman.d"), StringComparison.Ordinal));
        var config = ConfigLoader.Load(path);
        Assert.Empty(config.Warnings);
        Assert.Empty(config.Errors);
        Assert.Empty(config.Servers);
        Assert.Equal("/var/lib/barman", config.Global.BarmanHome);
        Assert.Equal("barman", config.Global.BarmanUser);
        Assert.Equal("/var/log/barman/barman.log", config.Global.LogFile);
        Assert.Equal("INFO", config.Global.LogLevel);
    }

    [Theory]
    [InlineData("conf")]
    [InlineData("toml")]
    public void Each_template_is_the_sample_server_and_loads_once_copied_to_its_name(string format)
    {
        var template = File.ReadAllText(package.TreePath($"/etc/barman.d/streaming-server.{format}-template"));
        Assert.EndsWith(File.ReadAllText(Repository.Combine("samples", "barman.d", "pg." + format)), template, StringComparison.Ordinal);
        using var dir = new TempDir();
        dir.Write($"barman.d/pg.{format}", template);
        var main = dir.Write("barman.conf", "[barman]\nbarman_home = /var/lib/barman\nconfiguration_files_directory = barman.d\n");
        var config = ConfigLoader.Load(main);
        Assert.Empty(config.Warnings);
        Assert.Equal(["pg"], config.Servers.Select(s => s.Name));
        Assert.Empty(config.Servers[0].Messages);
    }

    [Fact]
    public void Changelog_and_man_page_are_compressed_reproducibly_and_carry_the_version()
    {
        foreach (var entry in package.Entries.Where(e => e.Path.EndsWith(".gz", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(package.TreePath(entry.Path));
            // gzip -9n: no file name (FLG.FNAME, bit 3) and no time stamp (MTIME = 0) in the header.
            Assert.True((bytes[3] & 0x08) == 0 && BitConverter.ToInt32(bytes, 4) == 0, entry.Path + " was not compressed with gzip -n");
        }
        var changelog = Gunzip(package.TreePath($"{Doc}/changelog.gz"));
        Assert.StartsWith($"barman-dotnet ({DebPackage.Version}) unstable; urgency=", changelog, StringComparison.Ordinal);
        var man = Gunzip(package.TreePath("/usr/share/man/man1/barman.1.gz"));
        Assert.Matches($"\n\\.TH BARMAN 1 \"\\d{{4}}-\\d\\d-\\d\\d\" \"barman-dotnet {Regex.Escape(DebPackage.Version)}\" \"User Commands\"\n", man);
    }

    [Fact]
    public async Task The_same_input_builds_the_same_bytes()
    {
        using var dir = new TempDir();
        var again = await DebPackage.BuildAsync(dir.Path, "--binary", DebPackage.Binary);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(File.ReadAllBytes(package.DebPath), File.ReadAllBytes(again.Out.Trim()));
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var parent = Path.GetDirectoryName(path); parent is not null && parent != "/"; parent = Path.GetDirectoryName(parent))
            yield return parent;
    }

    private static string Gunzip(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"GLIBC_(2\.[0-9]+(?:\.[0-9]+)?)\0")]
    private static partial Regex GlibcVersion();
}
