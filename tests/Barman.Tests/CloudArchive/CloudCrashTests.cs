using Barman.Core.Os;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.CloudArchive;

/// <summary>
/// Crash safety of archive-wal on a real object store: the real executable killed (SIGKILL) at every
/// crash point and at random instants while uploads are in flight, and the store stopped in the
/// middle of a run; each time the next run completes the archive with no segment lost, none listed
/// twice in xlog.db, and every object under a final name whole.
/// </summary>
public abstract class CloudCrashTests(CloudTarget target)
{
    [Fact]
    public async Task Kill_at_every_crash_point_then_a_clean_run_archives_everything_exactly_once()
    {
        var crashes = 0;
        for (var n = 1; n < 100; n++)
        {
            await using var a = await new CloudArchive(target).WriteConfigAsync("compression = zstd");
            var contents = Fill(a, 4, 64 * 1024);
            var first = await a.RunAsync(new Dictionary<string, string>(target.Environment) { [CrashPoint.Variable] = $"any:{n}" }, "archive-wal", "pg");
            if (first.ExitCode == 0)
            {
                await VerifyAsync(a, contents, ".zst");
                Assert.True(crashes > 5, $"only {crashes} crash points were exercised");
                return;
            }
            Assert.True(first.ExitCode == 137, first.ToString());
            crashes++;
            var final = await a.RunAsync("archive-wal", "pg");
            Assert.True(final.ExitCode == 0, $"crash point {n}: {final}");
            await VerifyAsync(a, contents, ".zst");
        }
        Assert.Fail("the run never completed without crashing");
    }

    [Fact]
    public async Task Kill_9_while_uploads_are_in_flight_then_a_clean_run_completes()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync("archive_upload_jobs = 4");
        var contents = Fill(a, 24, 2 << 20);
        var random = new Random(13);
        var killed = 0;
        for (var i = 0; i < 4; i++)
        {
            using var process = CliRunner.Start(["-c", a.Config, "archive-wal", "pg"], target.Environment);
            // kill it once it uploads: some objects appear, not all
            var before = (await a.ObjectsAsync()).Count;
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!process.HasExited && (await a.ObjectsAsync()).Count == before && !bound.IsCancellationRequested)
                await Task.Delay(20);
            await Task.Delay(random.Next(0, 150));
            if (!process.HasExited)
            {
                Posix.Kill(process.Id, 9);
                killed++;
            }
            await process.WaitForExitAsync();
        }
        Assert.True(killed > 0, "archive-wal always finished before it could be killed");

        var final = await a.RunAsync("archive-wal", "pg");

        Assert.True(final.ExitCode == 0, final.ToString());
        await VerifyAsync(a, contents, "");
    }

    [Fact]
    public async Task The_store_stopped_mid_run_fails_the_run_with_one_error_and_the_next_run_completes()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync("archive_upload_jobs = 2\naws_read_timeout = 5");
        var contents = Fill(a, 48, 2 << 20);
        try
        {
            using var process = CliRunner.Start(["-c", a.Config, "archive-wal", "pg"], target.Environment);
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (!process.HasExited && (await a.ObjectsAsync()).Count == 0 && !bound.IsCancellationRequested)
                    await Task.Delay(20);
            }
            await target.Server.StopAsync();
            await process.WaitForExitAsync();
            var run = new CliResult(process.ExitCode, await stdout, await stderr);

            Assert.True(run.ExitCode != 0, "the run finished before the store stopped: " + run);
            var error = Assert.Single(run.Err.Split('\n'), l => l.StartsWith("ERROR:", StringComparison.Ordinal));
            Assert.Contains(target.StoreName, error);
            // nothing lost: each file is still queued or recorded as archived
            var recorded = a.XlogdbNames();
            Assert.Equal(recorded.Length, recorded.Distinct().Count());
            Assert.All(contents.Keys, name => Assert.True(recorded.Contains(name) ^ File.Exists(Path.Combine(a.Streaming, name)), name));

            var check = await a.RunAsync("check", "pg");
            Assert.Contains("\tarchive object store: FAILED (" + target.StoreName, check.Out);
        }
        finally
        {
            if (!target.Server.IsRunning)
                await target.Server.StartAsync();
        }

        var final = await a.RunAsync("archive-wal", "pg");

        Assert.True(final.ExitCode == 0, final.ToString());
        await VerifyAsync(a, contents, "");
    }

    private static string Partial(int count) => Seg(1, (ulong)count + 1) + ".partial";

    /// <summary>Queues <paramref name="count"/> full segments in streaming/, and the <c>.partial</c> pg_receivewal writes after them (it stays).</summary>
    private static Dictionary<string, byte[]> Fill(CloudArchive a, int count, int size)
    {
        var contents = new Dictionary<string, byte[]>();
        for (var i = 1; i <= count; i++)
            contents[Seg(1, (ulong)i)] = File.ReadAllBytes(a.Put(a.Streaming, Seg(1, (ulong)i), CloudArchive.Content(Seg(1, (ulong)i), size)));
        a.Put(a.Streaming, Partial(count), [1, 2, 3]);
        return contents;
    }

    /// <summary>Every segment archived once (one object, its exact content, one xlog.db line), nothing left queued or staged.</summary>
    private static async Task VerifyAsync(CloudArchive a, Dictionary<string, byte[]> contents, string extension)
    {
        var expected = contents.Keys.Select(n => CloudArchive.KeyOf(n, extension)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await a.ObjectsAsync());
        foreach (var (name, content) in contents)
        {
            var stored = await a.ContentAsync(CloudArchive.KeyOf(name, extension));
            Assert.True(content.AsSpan().SequenceEqual(stored), name);
        }
        Assert.Equal(contents.Keys.Order(StringComparer.Ordinal), a.XlogdbNames().Order(StringComparer.Ordinal));
        Assert.Equal([Partial(contents.Count)], CloudArchive.Names(a.Streaming));
        Assert.Empty(CloudArchive.Names(a.Dir.Combine("pg", ".pg-staging")));
        Assert.Empty(CloudArchive.Names(a.Errors));
    }
}

[Collection(S3rverCollection.Name)]
public sealed class S3CrashTests(S3rverServer server) : CloudCrashTests(new S3Target(server));

[Collection(AzuriteCollection.Name)]
public sealed class AzureCrashTests(AzuriteServer server) : CloudCrashTests(new AzureTarget(server));
