namespace Barman.Tests.Packaging;

/// <summary>
/// The package installed, reinstalled, removed and purged for real by dpkg in a throwaway root: the
/// postinst creates the barman user (in the root's passwd, never the host's) and barman's directories,
/// purge keeps the WAL archive.
/// </summary>
public sealed class MaintainerScriptTests(DebPackage package) : IClassFixture<DebPackage>
{
    private const string Archived = "/var/lib/barman/pg/wals/0000000100000000/000000010000000000000001";

    [Fact]
    public async Task Install_creates_the_barman_system_user_and_its_directories()
    {
        var hostPasswd = await File.ReadAllTextAsync("/etc/passwd");
        using var root = new ThrowawayRoot();

        var install = await root.DpkgAsync("-i", package.DebPath);

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal("installed", root.PackageStatus("barman-dotnet"));
        var user = root.User("barman");
        Assert.NotNull(user);
        Assert.InRange(int.Parse(user[2], System.Globalization.CultureInfo.InvariantCulture), 100, 999);   // a system user
        Assert.Equal("/var/lib/barman", user[5]);
        Assert.Equal("/bin/bash", user[6]);
        var group = root.Group("barman");
        Assert.NotNull(group);
        Assert.Equal(group[2], user[3]);
        Assert.Equal("barman:barman 750 directory", await root.StatAsync("/var/lib/barman"));
        Assert.Equal("barman:barman 750 directory", await root.StatAsync("/var/log/barman"));
        Assert.Equal("root:root 755 regular file", await root.StatAsync("/usr/bin/barman"));
        Assert.Equal("root:root 644 regular file", await root.StatAsync("/etc/barman.conf"));
        Assert.Equal(hostPasswd, await File.ReadAllTextAsync("/etc/passwd"));
    }

    [Fact]
    public async Task A_barman_user_that_exists_is_kept_as_it_is()
    {
        using var root = new ThrowawayRoot();
        File.AppendAllText(root.Combine("etc/passwd"), "barman:x:4242:4243:the operator's own:/srv/barman:/bin/sh\n");
        File.AppendAllText(root.Combine("etc/group"), "backup2:x:4243:\n");
        File.AppendAllText(root.Combine("etc/shadow"), "barman:!:19000::::::\n");

        var install = await root.DpkgAsync("-i", package.DebPath);

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal(["barman", "x", "4242", "4243", "the operator's own", "/srv/barman", "/bin/sh"], root.User("barman")!);
        Assert.Null(root.Group("barman"));
        // The directories are the user's, in its own group.
        Assert.Equal("barman:backup2 750 directory", await root.StatAsync("/var/lib/barman"));
        Assert.Equal("barman:backup2 750 directory", await root.StatAsync("/var/log/barman"));
    }

    [Fact]
    public async Task A_barman_group_that_exists_becomes_the_new_users_group()
    {
        using var root = new ThrowawayRoot();
        File.AppendAllText(root.Combine("etc/group"), "barman:x:1777:\n");   // made by hand: not a system group
        File.AppendAllText(root.Combine("etc/gshadow"), "barman:!::\n");

        var install = await root.DpkgAsync("-i", package.DebPath);

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal("1777", root.User("barman")![3]);
        Assert.Equal("barman:barman 750 directory", await root.StatAsync("/var/lib/barman"));
    }

    [Fact]
    public async Task Reinstall_restores_barmans_modes_but_respects_dpkg_statoverride()
    {
        using var root = new ThrowawayRoot();
        Assert.Equal(0, (await root.DpkgAsync("-i", package.DebPath)).ExitCode);
        var uid = root.User("barman")![2];
        // (root:adm: dpkg --root resolves the override's names with the host's passwd, which has no barman)
        var setup = await root.ShellAsync("chmod 0777 /var/lib/barman && dpkg-statoverride --update --add root adm 2750 /var/log/barman");
        Assert.True(setup.ExitCode == 0, setup.ToString());

        var reinstall = await root.DpkgAsync("-i", package.DebPath);

        Assert.True(reinstall.ExitCode == 0, reinstall.ToString());
        Assert.Equal(uid, root.User("barman")![2]);
        Assert.Single(File.ReadAllLines(root.Combine("etc/passwd")), l => l.StartsWith("barman:", StringComparison.Ordinal));
        Assert.Equal("barman:barman 750 directory", await root.StatAsync("/var/lib/barman"));
        Assert.Equal("root:adm 2750 directory", await root.StatAsync("/var/log/barman"));
    }

    [Fact]
    public async Task Remove_keeps_configuration_archive_log_and_user()
    {
        using var root = new ThrowawayRoot();
        Assert.Equal(0, (await root.DpkgAsync("-i", package.DebPath)).ExitCode);
        await WriteArchiveAndLogAsync(root);

        var remove = await root.DpkgAsync("--remove", "barman-dotnet");

        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Equal("config-files", root.PackageStatus("barman-dotnet"));
        Assert.Equal("", await root.StatAsync("/usr/bin/barman"));
        Assert.Equal("", await root.StatAsync("/usr/share/man/man1/barman.1.gz"));
        foreach (var conffile in File.ReadAllLines(Path.Combine(package.ControlDirectory, "conffiles")))
            Assert.True(File.Exists(root.Combine(conffile)), conffile);
        Assert.Equal("WAL", File.ReadAllText(root.Combine(Archived)));
        Assert.Equal("log line\n", File.ReadAllText(root.Combine("/var/log/barman/barman.log")));
        Assert.NotNull(root.User("barman"));
    }

    [Fact]
    public async Task Purge_removes_conffiles_and_log_but_keeps_the_WAL_archive_and_its_user()
    {
        using var root = new ThrowawayRoot();
        Assert.Equal(0, (await root.DpkgAsync("-i", package.DebPath)).ExitCode);
        await WriteArchiveAndLogAsync(root);
        root.Write("etc/barman.d/pg.conf", "[pg]\nconninfo = host=pg\n");

        var purge = await root.DpkgAsync("--purge", "barman-dotnet");

        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.Equal("not-installed", root.PackageStatus("barman-dotnet"));
        foreach (var conffile in File.ReadAllLines(Path.Combine(package.ControlDirectory, "conffiles")))
            Assert.False(File.Exists(root.Combine(conffile)), conffile);
        Assert.False(Directory.Exists(root.Combine("/var/log/barman")));
        // Not the package's: the operator's server file stays.
        Assert.True(File.Exists(root.Combine("/etc/barman.d/pg.conf")));
        Assert.Equal("WAL", File.ReadAllText(root.Combine(Archived)));
        Assert.Equal("barman:barman 600 regular file", await root.StatAsync(Archived));
        Assert.NotNull(root.User("barman"));
        Assert.Contains("barman-dotnet: /var/lib/barman (the WAL archive) and the barman user are kept", purge.Err, StringComparison.Ordinal);
    }

    private static async Task WriteArchiveAndLogAsync(ThrowawayRoot root)
    {
        var r = await root.ShellAsync(
            $"mkdir -p {Path.GetDirectoryName(Archived)} && printf WAL > {Archived} && chmod 600 {Archived} && chown -R barman:barman /var/lib/barman/pg " +
            "&& echo 'log line' > /var/log/barman/barman.log && chown barman:barman /var/log/barman/barman.log");
        Assert.True(r.ExitCode == 0, r.ToString());
    }
}
