using Barman.Core.Os;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Foundation;

/// <summary>
/// After dropping privileges to barman_user, HOME is that user's home for the process and for every
/// child (Barman's <c>drop_privileges</c>): pg_receivewal and Npgsql find <c>~/.pgpass</c> through it.
/// Through the real executable: the test host never changes its user.
/// </summary>
public sealed class PrivilegeDropHomeTests
{
    [Fact]
    public async Task Children_see_the_home_of_barman_user_after_the_drop()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test runs barman as root dropping to 'nobody': run it as root");
        var nobody = Users.Find("nobody");
        Assert.NotNull(nobody);
        using var dir = new TempDir();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0x1FF);
        var seen = dir.Combine("home-seen-by-child");
        // pg_receivewal --version is the first child check starts; this one tells which HOME it got.
        var fake = dir.Write("bin/pg_receivewal", $"#!/bin/sh\nprintf '%s' \"$HOME\" > {seen}\necho 'pg_receivewal (PostgreSQL) 15.0'\n");
        File.SetUnixFileMode(fake, (UnixFileMode)0x1ED);
        File.SetUnixFileMode(dir.Combine("bin"), (UnixFileMode)0x1ED);
        Directory.CreateDirectory(dir.Combine("home"));
        File.SetUnixFileMode(dir.Combine("home"), (UnixFileMode)0x1FF);
        var config = dir.Write("barman.conf", $"""
            [barman]
            barman_home = {dir.Combine("home")}
            barman_user = nobody

            [pg]
            conninfo = host=/nonexistent port=1 user=barman dbname=postgres
            streaming_conninfo = host=/nonexistent port=1 user=streaming_barman
            backup_method = postgres
            streaming_archiver = on
            path_prefix = {dir.Combine("bin")}

            """);

        var r = await CliRunner.RunProcessAsync(["-c", config, "check", "pg"], environment: new Dictionary<string, string> { ["HOME"] = dir.Path });

        Assert.True(File.Exists(seen), r.ToString());
        Assert.Equal(nobody.Home, await File.ReadAllTextAsync(seen));
        Assert.Contains("\tpg_receivexlog: OK\n", r.Out);
    }
}
