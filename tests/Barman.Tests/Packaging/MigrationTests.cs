using System.Security.Cryptography;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Packaging;

/// <summary>
/// An operator moving from Debian's barman 3.4 package to barman-dotnet (docs/operations.md, "Debian
/// package"): a stand-in for Debian's package (its real postinst and postrm, its conffiles, a
/// /usr/bin/barman) is installed in a throwaway root, then barman-dotnet over it.
/// </summary>
public sealed class MigrationTests(DebPackage package) : IClassFixture<DebPackage>
{
    private const string Archived = "/var/lib/barman/pg/wals/0000000100000000/000000010000000000000001";
    private const string DebianCron = "# /etc/cron.d/barman: crontab entries for the barman package\nMAILTO=root\n* * * * * barman [ -x /usr/bin/barman ] && /usr/bin/barman -q cron\n";

    [Fact]
    public async Task Configuration_archive_and_user_are_kept_and_barman_is_replaced()
    {
        using var root = new ThrowawayRoot();
        var (uid, gecos) = await InstallDebiansBarmanAndUseItAsync(root);

        // What "apt install ./barman-dotnet_*.deb" does, non-interactively keeping changed conffiles.
        var install = await root.DpkgAsync("--force-confold", "-i", package.DebPath);

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("will remove barman in favour of barman-dotnet", install.Err, StringComparison.Ordinal);
        Assert.Equal("installed", root.PackageStatus("barman-dotnet"));
        Assert.Equal("config-files", root.PackageStatus("barman"));
        Assert.Equal(Md5(File.ReadAllBytes(DebPackage.Binary)), (await root.ShellAsync("md5sum < /usr/bin/barman")).Out.Split(' ')[0]);
        // The operator's configuration: a changed conffile stays (ours lands beside it), added files stay.
        Assert.EndsWith("; the operator's change\n", File.ReadAllText(root.Combine("/etc/barman.conf")), StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(package.TreePath("/etc/barman.conf")), File.ReadAllText(root.Combine("/etc/barman.conf.dpkg-dist")));
        Assert.Equal("[pg]\nconninfo = host=pg\n", File.ReadAllText(root.Combine("/etc/barman.d/pg.conf")));
        // An unchanged conffile of Debian's package is taken over and replaced by ours.
        Assert.Equal(File.ReadAllText(package.TreePath("/etc/cron.d/barman")), File.ReadAllText(root.Combine("/etc/cron.d/barman")));
        // Data and user.
        Assert.Equal("WAL", File.ReadAllText(root.Combine(Archived)));
        Assert.Equal("log line\n", File.ReadAllText(root.Combine("/var/log/barman/barman.log")));
        Assert.Equal(uid, root.User("barman")![2]);
        Assert.Equal(gecos, root.User("barman")![4]);
        Assert.Equal("barman:barman 750 directory", await root.StatAsync("/var/lib/barman"));
        // The trap of the leftover package is announced.
        Assert.Contains("barman-dotnet: WARNING: do not purge the removed barman package", install.Err, StringComparison.Ordinal);

        // The documented way to get rid of the leftover: disarm its postrm, then purge it.
        var cleanup = await root.ShellAsync("printf '#!/bin/sh\\nexit 0\\n' > /var/lib/dpkg/info/barman.postrm");
        Assert.True(cleanup.ExitCode == 0, cleanup.ToString());
        var purge = await root.DpkgAsync("--purge", "barman");

        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.Equal("not-installed", root.PackageStatus("barman"));
        Assert.Equal("WAL", File.ReadAllText(root.Combine(Archived)));
        Assert.Equal("log line\n", File.ReadAllText(root.Combine("/var/log/barman/barman.log")));
        Assert.Equal(uid, root.User("barman")![2]);
        Assert.True(File.Exists(root.Combine("/etc/barman.conf")));
        Assert.True(File.Exists(root.Combine("/etc/cron.d/barman")));
        Assert.Equal("installed", root.PackageStatus("barman-dotnet"));
    }

    [Fact]
    public async Task Purging_the_leftover_barman_as_is_would_delete_the_archive_and_the_user()
    {
        // Why the postinst warns and operations.md tells how to purge it: Debian's postrm purge.
        using var root = new ThrowawayRoot();
        await InstallDebiansBarmanAndUseItAsync(root);
        Assert.Equal(0, (await root.DpkgAsync("--force-confold", "-i", package.DebPath)).ExitCode);

        var purge = await root.DpkgAsync("--purge", "barman");

        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.False(Directory.Exists(root.Combine("/var/lib/barman")));
        Assert.Null(root.User("barman"));
    }

    /// <summary>Installs the stand-in, then does what an operator did with it; returns the barman user's uid and gecos.</summary>
    private async Task<(string Uid, string Gecos)> InstallDebiansBarmanAndUseItAsync(ThrowawayRoot root)
    {
        var deb = await BuildDebiansBarmanAsync(root);
        var install = await root.DpkgAsync("-i", deb);
        Assert.True(install.ExitCode == 0, install.ToString());
        var user = root.User("barman");
        Assert.NotNull(user);

        File.AppendAllText(root.Combine("/etc/barman.conf"), "; the operator's change\n");
        root.Write("/etc/barman.d/pg.conf", "[pg]\nconninfo = host=pg\n");
        var use = await root.ShellAsync(
            $"mkdir -p {Path.GetDirectoryName(Archived)} && printf WAL > {Archived} && chown -R barman:barman /var/lib/barman/pg " +
            "&& echo 'log line' > /var/log/barman/barman.log");
        Assert.True(use.ExitCode == 0, use.ToString());
        return (user[2], user[4]);
    }

    /// <summary>barman 3.4.0-1 as Debian ships it, as far as installing over it matters (no Python inside).</summary>
    private static async Task<string> BuildDebiansBarmanAsync(ThrowawayRoot root)
    {
        var tree = root.Combine("/tmp/debian-barman");
        void Put(string path, string contents, int mode = 0b110_100_100)
        {
            var full = Path.Combine(tree, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, contents);
            File.SetUnixFileMode(full, (UnixFileMode)mode);
        }
        var scripts = Repository.Combine("tests", "Barman.Tests", "Packaging", "DebianBarman");
        Put("DEBIAN/control", "Package: barman\nVersion: 3.4.0-1\nArchitecture: all\nMaintainer: Marco Nenciarini <mnencia@debian.org>\n" +
            "Section: database\nPriority: optional\nDescription: Backup and Recovery Manager for PostgreSQL\n stand-in for the tests\n");
        Put("DEBIAN/postinst", File.ReadAllText(Path.Combine(scripts, "postinst")), 0b111_101_101);
        Put("DEBIAN/postrm", File.ReadAllText(Path.Combine(scripts, "postrm")), 0b111_101_101);
        string[] conffiles = ["/etc/barman.conf", "/etc/barman.d/passive-server.conf-template", "/etc/barman.d/ssh-server.conf-template",
            "/etc/barman.d/streaming-server.conf-template", "/etc/cron.d/barman", "/etc/logrotate.d/barman"];
        Put("DEBIAN/conffiles", string.Join("\n", conffiles) + "\n");
        Put("/etc/barman.conf", "[barman]\nbarman_user = barman\nconfiguration_files_directory = /etc/barman.d\nbarman_home = /var/lib/barman\n" +
            "log_file = /var/log/barman/barman.log\nlog_level = INFO\n");
        foreach (var template in conffiles.Where(c => c.EndsWith("-template", StringComparison.Ordinal)))
            Put(template, "; Debian's " + Path.GetFileName(template) + "\n");
        Put("/etc/cron.d/barman", DebianCron);
        Put("/etc/logrotate.d/barman", "/var/log/barman/barman.log {\n    weekly\n    rotate 4\n    create 0640 barman adm\n}\n");
        Put("/usr/bin/barman", "#!/usr/bin/python3\n# Barman 3.4\n", 0b111_101_101);
        Directory.CreateDirectory(Path.Combine(tree, "var/lib/barman"));
        var deb = root.Combine("/tmp/barman_3.4.0-1_all.deb");
        var build = await ExternalProcess.RunAsync("dpkg-deb", ["--root-owner-group", "--build", tree, deb]);
        Assert.True(build.ExitCode == 0, build.ToString());
        return deb;
    }

    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));
}
