using System.Text;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Packaging;

/// <summary>
/// A throwaway Debian system for <c>dpkg --root</c>: its own /etc (passwd, group, shadow, login.defs,
/// PAM), /var and dpkg database (with stub entries for what barman-dotnet depends on); its /usr is the
/// host's, seen through an overlay whose writes land in this directory. Everything runs in a private
/// mount namespace (<c>unshare --mount</c>) where the overlay lives and dies, so nothing is mounted
/// on the host, and the host's /etc/passwd, /usr and dpkg database are never written. dpkg runs the
/// maintainer scripts chrooted into this root, so adduser, getent and chown work on its passwd.
/// </summary>
public sealed class ThrowawayRoot : IDisposable
{
    /// <summary>The packages barman-dotnet built from the test apphost depends on.</summary>
    public static readonly string[] Dependencies = ["libc6", "libgcc-s1", "libstdc++6", "adduser", "postgresql-client"];

    // Mounts /usr (host's, copy-on-write) and /dev/null, then runs the command.
    private const string Enter = """
        set -e
        root=$1; shift
        mount --make-rprivate /
        mount -t overlay overlay -o "lowerdir=/usr,upperdir=$root/.usr-upper,workdir=$root/.usr-work" "$root/usr"
        mount --bind /dev/null "$root/dev/null"
        exec "$@"
        """;

    private readonly TempDir _dir = new("barman-root");

    public ThrowawayRoot(params string[] stubPackages)
    {
        foreach (var dir in new[] { "etc", "usr", "tmp", "dev", "run", "root", "var/log", ".usr-upper", ".usr-work" })
            Directory.CreateDirectory(Combine(dir));
        foreach (var dir in new[] { "info", "updates", "triggers", "alternatives" })
            Directory.CreateDirectory(Combine("var/lib/dpkg/" + dir));
        File.SetUnixFileMode(Combine("tmp"), (UnixFileMode)0b1_111_111_111);
        File.WriteAllText(Combine("dev/null"), "");
        foreach (var link in new[] { "bin", "sbin", "lib", "lib64" })
            File.CreateSymbolicLink(Combine(link), "usr/" + link);

        Write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        Write("etc/group", "root:x:0:\nadm:x:4:\nnogroup:x:65534:\n");
        Write("etc/shadow", "root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n", 0b110_100_000);
        Write("etc/gshadow", "root:*::\nadm:*::\nnogroup:*::\n", 0b110_100_000);
        Write("etc/nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\ngshadow: files\n");
        // useradd reads login.defs; chfn (adduser --gecos) needs PAM's configuration.
        File.Copy("/etc/login.defs", Combine("etc/login.defs"));
        _dir.CopyTree("/etc/pam.d", "etc/pam.d");
        _dir.CopyTree("/etc/security", "etc/security");

        var status = new StringBuilder();
        foreach (var package in Dependencies.Concat(stubPackages))
        {
            status.Append($"Package: {package}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\n")
                .Append("Version: 9999\nMaintainer: stub <stub@example.org>\nDescription: stub (the real files are the host's)\n\n");
            Write($"var/lib/dpkg/info/{package}.list", "");
        }
        Write("var/lib/dpkg/status", status.ToString());
        Write("var/lib/dpkg/available", "");
    }

    public string Path => _dir.Path;

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative.TrimStart('/'));

    /// <summary>Runs dpkg on this root (conffile questions, if any, get an empty stdin).</summary>
    public Task<CliResult> DpkgAsync(params string[] args) => InNamespaceAsync(["dpkg", "--root=" + Path, .. args]);

    /// <summary>Runs a shell script chrooted into this root: paths, users and groups are the root's.</summary>
    public Task<CliResult> ShellAsync(string script) => InNamespaceAsync(["chroot", Path, "/bin/sh", "-c", script]);

    /// <summary>The user's passwd line, split on ':' (name, x, uid, gid, gecos, home, shell), or null.</summary>
    public string[]? User(string name) => Entry("etc/passwd", name);

    /// <summary>The group's line, split on ':' (name, x, gid, members), or null.</summary>
    public string[]? Group(string name) => Entry("etc/group", name);

    /// <summary>"owner:group mode type" of a path as the root sees it (names from the root's passwd), or "" if missing.</summary>
    public async Task<string> StatAsync(string path)
    {
        var r = await ShellAsync($"if [ -e '{path}' ]; then stat -c '%U:%G %a %F' '{path}'; fi");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Out.Trim();
    }

    /// <summary>The dpkg status of a package in this root ("installed", "config-files"), or "not-installed".</summary>
    public string PackageStatus(string package)
    {
        var stanza = File.ReadAllText(Combine("var/lib/dpkg/status")).Split("\n\n")
            .FirstOrDefault(s => s.StartsWith($"Package: {package}\n", StringComparison.Ordinal));
        return stanza?.Split('\n').Single(l => l.StartsWith("Status: ", StringComparison.Ordinal)).Split(' ')[^1] ?? "not-installed";
    }

    public void Write(string relative, string contents, int mode = 0b110_100_100)
    {
        var path = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, contents);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    public void Dispose()
    {
        // The symlinks first: a recursive delete must never follow bin -> usr/bin out of the root.
        foreach (var link in new[] { "bin", "sbin", "lib", "lib64" })
            File.Delete(Combine(link));
        _dir.Dispose();
    }

    private async Task<CliResult> InNamespaceAsync(string[] argv)
    {
        var result = await ExternalProcess.RunAsync("unshare", ["--mount", "--fork", "--", "/bin/sh", "-c", Enter, "enter", Path, .. argv]);
        Assert.False(result.Err.Contains("mount:", StringComparison.Ordinal) || result.Err.Contains("unshare:", StringComparison.Ordinal),
            "the throwaway root could not be set up (root with CAP_SYS_ADMIN and overlayfs are needed): " + result);
        return result;
    }

    private string[]? Entry(string file, string name) =>
        File.ReadAllLines(Combine(file)).Select(l => l.Split(':')).FirstOrDefault(f => f[0] == name);
}
