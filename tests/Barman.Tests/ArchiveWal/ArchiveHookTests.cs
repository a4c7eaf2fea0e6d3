using System.IO.Compression;
using Barman.Core.Hooks;
using Barman.Core.Os;
using Barman.Core.Text;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

/// <summary>pre/post archive hook scripts (spec §8.3, Barman 3.4's hooks.py), run as real shell scripts.</summary>
public sealed class ArchiveHookTests
{
    private static string Mtime(string path) => PythonFloat.Format(FileCalls.Lstat(path)!.Value.PythonMtime);

    /// <summary>Segments 1..<paramref name="count"/> in streaming/: all but the newest get archived.</summary>
    private static void Queue(ArchiveHarness h, int count)
    {
        for (var i = 1UL; i <= (ulong)count; i++)
            h.Put(h.Streaming, Seg(1, i));
    }

    [Fact]
    public async Task Pre_and_post_hooks_get_Barmans_environment_in_order()
    {
        using var h = new ArchiveHarness();
        using var hooks = new HookRecorder(h);
        var first = h.Put(h.Streaming, Seg(1, 1), Content(1));
        h.Put(h.Streaming, Seg(1, 2), Content(2));
        h.Put(h.Streaming, Seg(1, 3), Content(3));
        var mtime = Mtime(first);

        var r = await h.RunAsync(hookRetry: HookRecorder.Fast);

        Assert.Equal(0, r.ExitCode);
        var calls = hooks.Calls();
        // Without compression, Barman's order: each file's pre hooks, its archiving, its post hooks.
        Assert.Equal(
            ["pre:" + Seg(1, 1), "preretry:" + Seg(1, 1), "postretry:" + Seg(1, 1), "post:" + Seg(1, 1),
             "pre:" + Seg(1, 2), "preretry:" + Seg(1, 2), "postretry:" + Seg(1, 2), "post:" + Seg(1, 2)],
            calls.Select(c => c.ToString()));

        var pre = calls[0];
        Assert.Equal(first, pre["BARMAN_FILE"]);
        Assert.Equal(Content(1).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), pre["BARMAN_SIZE"]);
        Assert.Equal(mtime, pre["BARMAN_TIMESTAMP"]);
        Assert.Equal("", pre["BARMAN_COMPRESSION"]);
        Assert.Equal("", pre["BARMAN_ERROR"]);
        Assert.Equal("archive_script", pre["BARMAN_HOOK"]);
        Assert.Equal("pre", pre["BARMAN_PHASE"]);
        Assert.Equal("0", pre["BARMAN_RETRY"]);
        Assert.Equal("pg", pre["BARMAN_SERVER"]);
        Assert.Equal(h.Global.ConfigFile, pre["BARMAN_CONFIGURATION"]);
        Assert.Equal(VersionInfo.Version, pre["BARMAN_VERSION"]);
        Assert.Equal("1", pre["EXISTS"]);
        Assert.Equal("archive_retry_script", calls[1]["BARMAN_HOOK"]);
        Assert.Equal("1", calls[1]["BARMAN_RETRY"]);

        foreach (var post in calls.Where(c => c.Tag.StartsWith("post", StringComparison.Ordinal)))
        {
            Assert.Equal(h.ArchivePath(post.Segment), post["BARMAN_FILE"]);
            Assert.Equal("post", post["BARMAN_PHASE"]);
            Assert.Equal("", post["BARMAN_ERROR"]);
            // The archive file and its xlog.db line are durable before any post hook runs.
            Assert.Equal("1", post["EXISTS"]);
            Assert.Equal("1", post["XLOGDB"]);
        }
        Assert.Equal(mtime, calls[2]["BARMAN_TIMESTAMP"]);
        Assert.Equal(h.ArchivePath(Seg(1, 1)), calls[3]["BARMAN_FILE"]);

        var log = hooks.Log();
        Assert.Contains($"barman.hooks DEBUG: Attempt to run archive_script: {hooks.Script} pre\n", log);
        Assert.Contains($"barman.hooks DEBUG: {hooks.Script} pre returned 0\n", log);
        Assert.Contains("Command WARNING: err of pre\n", log);
    }

    [Fact]
    public async Task Post_hooks_get_the_compressed_size_and_compression()
    {
        using var h = new ArchiveHarness(s => s with { Compression = "gzip" });
        using var hooks = new HookRecorder(h);
        var source = h.Put(h.Streaming, Seg(1, 1), Content(1));
        h.Put(h.Streaming, Seg(1, 2));

        await h.RunAsync(hookRetry: HookRecorder.Fast);

        var calls = hooks.Calls();
        Assert.Equal(["pre", "preretry", "postretry", "post"], calls.Select(c => c.Tag));
        Assert.Equal("", calls[0]["BARMAN_COMPRESSION"]);
        Assert.Equal(Content(1).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), calls[0]["BARMAN_SIZE"]);
        var archived = new FileInfo(h.ArchivePath(Seg(1, 1))).Length;
        Assert.True(archived < Content(1).Length);
        foreach (var post in calls.Skip(2))
        {
            Assert.Equal("gzip", post["BARMAN_COMPRESSION"]);
            Assert.Equal(archived.ToString(System.Globalization.CultureInfo.InvariantCulture), post["BARMAN_SIZE"]);
            Assert.Equal(calls[0]["BARMAN_TIMESTAMP"], post["BARMAN_TIMESTAMP"]);
        }
        Assert.False(File.Exists(source));
    }

    [Fact]
    public async Task Compressed_incoming_file_shows_its_compression_before_archiving()
    {
        using var h = new ArchiveHarness(s => s with { StreamingArchiver = false, Archiver = true });
        using var hooks = new HookRecorder(h);
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            z.Write(SegmentContent(Seg(1, 1), 1));
        var source = h.Put(h.Incoming, Seg(1, 1), gz.ToArray());

        await h.RunAsync(hookRetry: HookRecorder.Fast);

        var calls = hooks.Calls();
        Assert.Equal(source, calls[0]["BARMAN_FILE"]);
        Assert.All(calls, c => Assert.Equal("gzip", c["BARMAN_COMPRESSION"]));
        Assert.All(calls, c => Assert.Equal(gz.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), c["BARMAN_SIZE"]));
        Assert.Equal([Seg(1, 1)], h.XlogdbNames());
    }

    [Fact]
    public async Task Post_hooks_run_for_duplicates_with_Barmans_error()
    {
        using var h = new ArchiveHarness();
        using var hooks = new HookRecorder(h);
        var same = h.Put(h.Streaming, Seg(1, 1), Content(1));
        var different = h.Put(h.Streaming, Seg(1, 2), Content(2));
        h.Put(h.Streaming, Seg(1, 3));
        Directory.CreateDirectory(Path.GetDirectoryName(h.ArchivePath(Seg(1, 1)))!);
        File.WriteAllBytes(h.ArchivePath(Seg(1, 1)), AsValidWal(Content(1), Seg(1, 1)));
        File.WriteAllBytes(h.ArchivePath(Seg(1, 2)), AsValidWal(Content(9), Seg(1, 2)));
        var info1 = $"WalFileInfo(compression=None, name='{Seg(1, 1)}', size={Content(1).Length}, time={Mtime(same)})";
        var info2 = $"WalFileInfo(compression=None, name='{Seg(1, 2)}', size={Content(2).Length}, time={Mtime(different)})";

        var r = await h.RunAsync(hookRetry: HookRecorder.Fast);

        Assert.Contains($"\tError: {Seg(1, 2)} is already present in server pg. File moved to errors directory.\n", r.Out);
        var posts = hooks.Calls().Where(c => c.Tag.StartsWith("post", StringComparison.Ordinal)).ToList();
        Assert.Equal(["postretry:" + Seg(1, 1), "post:" + Seg(1, 1), "postretry:" + Seg(1, 2), "post:" + Seg(1, 2)], posts.Select(c => c.ToString()));
        // Barman 3.4 gives this error to the retry script only (post_archive_script gets ""); we give it to both.
        Assert.All(posts.Take(2), c => Assert.Equal("MatchingDuplicateWalFile:" + info1, c["BARMAN_ERROR"]));
        Assert.All(posts.Skip(2), c => Assert.Equal("DuplicateWalFile:" + info2, c["BARMAN_ERROR"]));
        Assert.All(posts, c => Assert.Equal(h.ArchivePath(c.Segment), c["BARMAN_FILE"]));
        Assert.Empty(h.XlogdbLines());
    }

    [Fact]
    public async Task Retry_script_is_retried_until_it_succeeds()
    {
        using var h = new ArchiveHarness();
        using var hooks = new HookRecorder(h);
        Queue(h, 2);
        hooks.Exit("preretry", 1, 2, 0);
        hooks.Exit("postretry", 5);

        await h.RunAsync(hookRetry: HookRecorder.Fast);

        Assert.Equal(["pre", "preretry", "preretry", "preretry", "postretry", "postretry", "post"], hooks.Calls().Select(c => c.Tag));
        Assert.Equal([Seg(1, 1)], h.XlogdbNames());
        var log = hooks.Log();
        Assert.Contains($"barman.hooks WARNING: {hooks.Script} preretry returned 1\nOutput details:\nout of preretry\nerr of preretry\n", log);
        Assert.Contains("barman.hooks DEBUG: Retry again in 0 seconds\n", log);
        Assert.Contains("barman.hooks DEBUG: Reached 1 failures. Take a nap then retry again in 0 seconds\n", log);
    }

    [Fact]
    public async Task Abort_continue_from_a_retry_script_goes_on()
    {
        using var h = new ArchiveHarness();
        using var hooks = new HookRecorder(h);
        Queue(h, 2);
        hooks.Exit("preretry", 62);

        await h.RunAsync(hookRetry: HookRecorder.Fast);

        Assert.Equal(["pre", "preretry", "postretry", "post"], hooks.Calls().Select(c => c.Tag));
        Assert.Equal([Seg(1, 1)], h.XlogdbNames());
        Assert.Contains($"barman.hooks WARNING: {hooks.Script} preretry was aborted (got exit status 62, Barman resumes)\n", hooks.Log());
    }

    [Fact]
    public async Task With_compression_the_pre_hooks_of_one_file_per_core_run_before_they_are_compressed()
    {
        using var h = new ArchiveHarness(s => s with { Compression = "gzip" });
        using var hooks = new HookRecorder(h);
        Queue(h, 4);
        var output = new Barman.Core.Output.ConsoleOutput(TextWriter.Null, TextWriter.Null, new Barman.Core.Output.OutputOptions());

        Assert.True(await new WalArchiver(h.Server, output, WalSourceKind.Streaming, parallelism: 2, hookRetry: HookRecorder.Fast)
            .ArchiveAsync(verbose: true, Bounded.Token()));

        string[] Hooks(params int[] segments) =>
            [.. segments.SelectMany(n => new[] { "pre:" + Seg(1, (ulong)n), "preretry:" + Seg(1, (ulong)n) }),
             .. segments.SelectMany(n => new[] { "postretry:" + Seg(1, (ulong)n), "post:" + Seg(1, (ulong)n) })];
        Assert.Equal([.. Hooks(1, 2), .. Hooks(3)], hooks.Calls().Select(c => c.ToString()));
        Assert.Equal([Seg(1, 1), Seg(1, 2), Seg(1, 3)], h.XlogdbNames());
    }

    [Fact]
    public async Task Abort_stop_from_the_pre_retry_script_ends_this_archivers_run_after_the_post_hooks()
    {
        using var h = new ArchiveHarness(s => s with { Archiver = true });
        using var hooks = new HookRecorder(h);
        Queue(h, 4);
        h.Put(h.Streaming, "junk.txt");
        h.Put(h.Incoming, Seg(1, 9));
        hooks.Exit("preretry", 0, 63);
        var reason = $"Abort 'pre_archive_retry_script' retry hook script ({hooks.Script} preretry, exit code: 63)";

        var r = await h.RunAsync(hookRetry: HookRecorder.Fast);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\n\t{Seg(1, 2)}\nProcessing xlog segments from file archival for pg\n\t{Seg(1, 9)}\n", r.Out);
        Assert.Equal("", r.Err);
        // The file that was stopped and the ones after it stay queued; unknown objects are not moved.
        Assert.Equal([Seg(1, 2), Seg(1, 3), Seg(1, 4), "junk.txt"], h.Names(h.Streaming));
        Assert.Equal([Seg(1, 1), Seg(1, 9)], h.XlogdbNames());
        Assert.False(File.Exists(h.ArchivePath(Seg(1, 2))));
        Assert.False(Directory.Exists(h.Server.ErrorsDirectory));

        var calls = hooks.Calls();
        Assert.Equal(
            ["pre:" + Seg(1, 1), "preretry:" + Seg(1, 1), "postretry:" + Seg(1, 1), "post:" + Seg(1, 1),
             "pre:" + Seg(1, 2), "preretry:" + Seg(1, 2), "postretry:" + Seg(1, 2), "post:" + Seg(1, 2),
             "pre:" + Seg(1, 9), "preretry:" + Seg(1, 9), "postretry:" + Seg(1, 9), "post:" + Seg(1, 9)],
            calls.Select(c => c.ToString()));
        Assert.Equal(reason, calls[6]["BARMAN_ERROR"]);
        Assert.Equal(reason, calls[7]["BARMAN_ERROR"]);
        Assert.Equal(h.ArchivePath(Seg(1, 2)), calls[7]["BARMAN_FILE"]);
        Assert.Equal("0", calls[7]["EXISTS"]);

        var log = hooks.Log();
        Assert.Contains($"barman.hooks ERROR: {hooks.Script} preretry was aborted (got exit status 63, Barman requested to stop)\n", log);
        Assert.Contains($"barman.wal_archiver WARNING: Archiving of pg/{Seg(1, 2)} aborted by pre_archive_retry_script.Reason: {reason}\n", log);
        Assert.DoesNotContain("Archived 2 out of", log);
    }

    [Fact]
    public async Task Abort_stop_from_the_post_retry_script_is_ignored()
    {
        using var h = new ArchiveHarness();
        using var hooks = new HookRecorder(h);
        Queue(h, 3);
        hooks.Exit("postretry", 63);

        await h.RunAsync(hookRetry: HookRecorder.Fast);

        Assert.Equal([Seg(1, 1), Seg(1, 2)], h.XlogdbNames());
        Assert.Equal(2, hooks.Calls().Count(c => c.Tag == "post"));
        Assert.Contains($"barman.wal_archiver WARNING: Ignoring stop request after receiving abort (exit code 63) from post-archive retry hook script: {hooks.Script} postretry\n", hooks.Log());
    }

    [Fact]
    public async Task Failing_plain_hooks_are_logged_and_archiving_goes_on()
    {
        using var h = new ArchiveHarness();
        using var hooks = new HookRecorder(h);
        Queue(h, 3);
        hooks.Exit("pre", 3, 3);
        hooks.Exit("post", 4);

        var r = await h.RunAsync(hookRetry: HookRecorder.Fast);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal([Seg(1, 1), Seg(1, 2)], h.XlogdbNames());
        Assert.Equal(2, hooks.Calls().Count(c => c.Tag == "pre"));
        var log = hooks.Log();
        Assert.Contains($"barman.hooks WARNING: {hooks.Script} pre returned 3\nOutput details:\nout of pre\nerr of pre\n", log);
        Assert.Contains($"barman.hooks WARNING: {hooks.Script} post returned 4\nOutput details:\nout of post\nerr of post\n", log);
    }

    [Fact]
    public async Task Hooks_run_with_path_prefix_first_in_PATH()
    {
        using var h = new ArchiveHarness();
        using var hooks = new HookRecorder(h);
        var bin = h.Dir.Combine("prefix-bin");
        h.Server = h.Server with { PathPrefix = bin, PreArchiveScript = "hooked-tool" };
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "hooked-tool"), $"#!/bin/sh\nexec {hooks.Script} tool\n");
        File.SetUnixFileMode(Path.Combine(bin, "hooked-tool"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Queue(h, 2);

        await h.RunAsync(hookRetry: HookRecorder.Fast);

        var tool = Assert.Single(hooks.Calls(), c => c.Tag == "tool");
        Assert.StartsWith(bin + ":", tool["PATH"], StringComparison.Ordinal);
        Assert.Equal(h.Server.SearchPath, tool["PATH"]);
        Assert.Equal([Seg(1, 1)], h.XlogdbNames());
    }

    [Fact]
    public async Task Cancellation_during_a_retry_wait_leaves_the_queue_intact()
    {
        using var h = new ArchiveHarness(s => s with { Compression = "gzip" });
        using var hooks = new HookRecorder(h);
        Queue(h, 3);
        hooks.Exit("preretry", [.. Enumerable.Repeat(1, 1000)]);
        using var cts = new CancellationTokenSource();
        var slow = new HookRetryPolicy(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));

        var run = h.RunAsync(hookRetry: slow, cancellationToken: cts.Token);
        await hooks.WaitForCallAsync("preretry");
        await Task.Delay(100); // now in the 5-minute break
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([Seg(1, 1), Seg(1, 2), Seg(1, 3)], h.Names(h.Streaming));
        Assert.Empty(h.XlogdbLines());
        Assert.False(Directory.Exists(h.Server.WalsDirectory));
        Assert.DoesNotContain(hooks.Calls(), c => c.Tag.StartsWith("post", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_hooks_run_outside_the_xlogdb_lock_and_an_interrupted_run_runs_them_again()
    {
        using var h = new ArchiveHarness();
        using var hooks = new HookRecorder(h);
        Queue(h, 2);
        hooks.Exit("postretry", [.. Enumerable.Repeat(1, 1000)]);
        using var cts = new CancellationTokenSource();
        var slow = new HookRetryPolicy(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));

        var run = h.RunAsync(hookRetry: slow, cancellationToken: cts.Token);
        await hooks.WaitForCallAsync("postretry");
        // check and status read xlog.db under its lock: a post hook that keeps retrying must not block them.
        var entries = await XlogDb.ReadEntriesAsync(h.Server, Bounded.Token()).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([Seg(1, 1)], entries.Select(e => e.Name));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run).WaitAsync(TimeSpan.FromSeconds(10));
        // The chunk is archived and recorded, its post hooks are still owed.
        Assert.True(File.Exists(WalLayout.JournalPath(h.Server)));

        hooks.Exit("postretry");
        var again = await h.RunAsync(hookRetry: HookRecorder.Fast);

        Assert.Equal(0, again.ExitCode);
        Assert.Equal([Seg(1, 1)], h.XlogdbNames());
        Assert.False(File.Exists(WalLayout.JournalPath(h.Server)));
        var posts = hooks.Calls().Where(c => c.Tag.StartsWith("post", StringComparison.Ordinal)).ToList();
        Assert.Equal(["postretry:" + Seg(1, 1), "postretry:" + Seg(1, 1), "post:" + Seg(1, 1)], posts.Select(c => c.ToString()));
        foreach (var post in posts.Skip(1))
        {
            Assert.Equal(h.ArchivePath(Seg(1, 1)), post["BARMAN_FILE"]);
            Assert.Equal(posts[0]["BARMAN_SIZE"], post["BARMAN_SIZE"]);
            Assert.Equal(posts[0]["BARMAN_TIMESTAMP"], post["BARMAN_TIMESTAMP"]);
            Assert.Equal("", post["BARMAN_COMPRESSION"]);
            Assert.Equal("", post["BARMAN_ERROR"]);
            Assert.Equal("1", post["XLOGDB"]);
        }
    }

    [Fact]
    public void Without_hooks_nothing_is_built()
    {
        using var h = new ArchiveHarness();
        Assert.Null(ArchiveHooks.For(h.Server, HookRetryPolicy.Barman));
        Assert.Null(ArchiveHooks.For(h.Server with { PostArchiveScript = "" }, HookRetryPolicy.Barman));
        Assert.NotNull(ArchiveHooks.For(h.Server with { PostArchiveRetryScript = "true" }, HookRetryPolicy.Barman));
    }
}
