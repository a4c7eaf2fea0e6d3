using Barman.Core.Wal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Durability;

/// <summary>
/// receive-wal's durable writes as the kernel saw them (the real executable under strace, a real
/// cluster): identity.json, the copy of a truncated partial kept in errors/, the partial <c>--reset</c>
/// moves to errors/ and the status file it creates. pg_receivewal is replaced by a script that fails
/// (its <c>--version</c> is the real one's), so that a run ends right after the preflight.
/// </summary>
public sealed class ReceiveWalDurabilityTests(PgCluster pg) : IClassFixture<PgCluster>
{
    private sealed class Home : IDisposable
    {
        public Home(PgCluster pg)
        {
            Dir = new TempDir("barman-durable-rw");
            var bin = Directory.CreateDirectory(Dir.Combine("bin")).FullName;
            var fake = Path.Combine(bin, "pg_receivewal");
            File.WriteAllText(fake, $"#!/bin/sh\n[ \"$1\" = --version ] && exec {PgCluster.BinDir}/pg_receivewal \"$@\"\necho 'pg_receivewal: error: injected failure' >&2\nexit 1\n");
            File.SetUnixFileMode(fake, (UnixFileMode)0x1ED);
            Config = Dir.Write("barman.conf", $"""
                [barman]
                barman_home = {Dir.Path}
                barman_user = {Environment.UserName}
                log_file = {Dir.Combine("barman.log")}

                [pg]
                conninfo = host=127.0.0.1 port={pg.Port} user=postgres dbname=postgres
                streaming_conninfo = host=127.0.0.1 port={pg.Port} user=postgres
                backup_method = postgres
                streaming_archiver = on
                slot_name = {Slot}
                create_slot = auto
                path_prefix = {bin}
                """);
            Directory.CreateDirectory(Streaming);
        }

        public TempDir Dir { get; }
        public string Config { get; }
        public string Slot { get; } = "durable_" + Guid.NewGuid().ToString("N")[..8];
        public string Streaming => Dir.Combine("pg", "streaming");
        public string Errors => Dir.Combine("pg", "errors");
        public string Identity => Dir.Combine("pg", ServerIdentity.FileName);

        public void Dispose() => Dir.Dispose();
    }

    [Fact]
    public async Task Reset_keeps_the_old_partial_and_creates_the_status_file_durably()
    {
        using var home = new Home(pg);
        await pg.GenerateWalAndSwitchAsync(rows: 10);
        await pg.GenerateWalAndSwitchAsync(rows: 10);
        var old = Path.Combine(home.Streaming, "000000010000000000000001.partial");
        await File.WriteAllTextAsync(old, "precious wal bytes");

        var (trace, result) = await SyscallTrace.RunBarmanAsync(home.Dir.Path, ["-c", home.Config, "receive-wal", "--reset", "pg"]);

        Assert.True(result.ExitCode == 0 && result.Out.Contains("Resetting receive-wal directory status", StringComparison.Ordinal), result.ToString());
        var rules = new DurabilityRules(trace);
        rules.Published(home.Identity);
        var kept = trace.Next(e => e.Call == FsCall.Rename && e.Path == old && Path.GetDirectoryName(e.Target) == home.Errors);
        Assert.NotNull(kept);
        rules.Published(kept);
        rules.DirectorySynced(home.Streaming, kept.Index);
        var status = trace.Next(e => e.Call == FsCall.Create && Path.GetDirectoryName(e.Path) == home.Streaming && e.Path.EndsWith(".partial", StringComparison.Ordinal));
        Assert.NotNull(status);
        rules.Published(status);
    }

    [Fact]
    public async Task A_truncated_partial_is_kept_in_errors_durably_before_it_is_truncated()
    {
        using var home = new Home(pg);
        var current = await pg.ScalarAsync<string>("select pg_walfile_name(pg_current_wal_lsn())");
        var partial = Path.Combine(home.Streaming, current + ".partial");
        await File.WriteAllBytesAsync(partial, new byte[1000]);

        var (trace, result) = await SyscallTrace.RunBarmanAsync(home.Dir.Path, ["-c", home.Config, "receive-wal", "pg"]);

        Assert.True(result.Err.Contains("pg_receivewal terminated with error code: 1", StringComparison.Ordinal), result.ToString());
        Assert.Equal(0, new FileInfo(partial).Length);
        var rules = new DurabilityRules(trace);
        var truncation = trace.Next(e => e.Call == FsCall.Truncate && e.Path == partial);
        var copy = trace.Next(e => e.Call == FsCall.Rename && Path.GetDirectoryName(e.Target) == home.Errors);
        Assert.NotNull(copy);
        rules.Published(copy, truncation);
        rules.WritesSynced(partial);
        var streaming = trace.Next(e => e.Call == FsCall.Exec && e.Text.Contains("--directory=", StringComparison.Ordinal));
        Assert.NotNull(streaming);
        rules.Published(home.Identity, streaming);
        await pg.ExecuteAsync($"select pg_drop_replication_slot('{home.Slot}')");
    }
}
