using System.Diagnostics;
using System.Text.RegularExpressions;
using Barman.Core.Streaming;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

/// <summary>
/// The streaming password never reaches pg_receivewal's command line, which every local user can read:
/// the real executable streams from a cluster that requires it (scram) and another user looks.
/// </summary>
public sealed class PasswordOutOfArgvTests(ScramPgCluster pg) : IClassFixture<ScramPgCluster>
{
    private static async Task<(int Code, string Out, string Err)> AsNobody(params string[] argv)
    {
        var psi = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var a in new[] { "-u", "nobody", "--" }.Concat(argv))
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Another_user_sees_barmans_argv_without_the_password_and_streaming_works()
    {
        Assert.True(PgCluster.IsRoot, "this test reads another process as user nobody: it needs root");
        using var home = new TempDir("barman-secret");
        var config = home.Write("barman.conf", $"""
            [barman]
            barman_home = {home.Path}
            barman_user = {Environment.UserName}
            log_file = {home.Combine("barman.log")}
            log_level = DEBUG

            [pg]
            conninfo = host=127.0.0.1 port={pg.Port} user=postgres dbname=postgres password={ScramPgCluster.SuperPassword}
            streaming_conninfo = postgresql://postgres:{ScramPgCluster.SuperPassword}@127.0.0.1:{pg.Port}/postgres
            backup_method = postgres
            streaming_archiver = on
            slot_name = secret_pg
            create_slot = auto
            path_prefix = {PgCluster.BinDir}
            """);
        var start = await CliRunner.RunProcessAsync(["-c", config, "receive-wal", "--background", "pg"]);
        Assert.True(start.ExitCode == 0, start.ToString());
        var barman = int.Parse(Regex.Match(start.Out, @"pid (\d+)").Groups[1].Value);
        try
        {
            var child = ProcessManager.ChildrenOf(barman).Single(p => StreamingHarness.CommandLine(p).FirstOrDefault()?.EndsWith("pg_receivewal", StringComparison.Ordinal) == true);
            // It authenticated with the password it was given: the slot is in use.
            await StreamingHarness.Until(() => pg.ScalarAsync<bool>("select coalesce(bool_or(active), false) from pg_replication_slots where slot_name = 'secret_pg'"), "slot active");

            var cmdline = await AsNobody("cat", $"/proc/{child}/cmdline");
            Assert.Equal(0, cmdline.Code);
            Assert.Equal(
                [
                    PgCluster.BinDir + "/pg_receivewal",
                    $"--dbname=dbname=replication host=127.0.0.1 options=-cdatestyle=iso port={pg.Port} replication=true user=postgres application_name=barman_receive_wal",
                    "--verbose", "--no-loop", "--no-password",
                    "--directory=" + Path.Combine(home.Path, "pg", "streaming"),
                    "--slot=secret_pg",
                ],
                cmdline.Out.TrimEnd('\0').Split('\0'));
            var ps = await AsNobody("ps", "-eo", "args");
            Assert.Contains("--dbname=dbname=replication host=127.0.0.1", ps.Out);
            Assert.DoesNotContain(ScramPgCluster.SuperPassword, ps.Out);
            // The environment that carries it is the owner's only.
            var environ = await AsNobody("cat", $"/proc/{child}/environ");
            Assert.NotEqual(0, environ.Code);
            Assert.DoesNotContain(ScramPgCluster.SuperPassword, environ.Out);
            Assert.DoesNotContain(ScramPgCluster.SuperPassword, File.ReadAllText(home.Combine("barman.log")));
        }
        finally
        {
            var stop = await CliRunner.RunProcessAsync(["-c", config, "receive-wal", "--stop", "pg"]);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            await pg.ExecuteAsync("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = 'secret_pg' and not active");
        }
    }
}
