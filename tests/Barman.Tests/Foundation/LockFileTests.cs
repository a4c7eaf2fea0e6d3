using System.Diagnostics;
using Barman.Core.Os;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Foundation;

public sealed class LockFileTests
{
    [Fact]
    public void Lock_writes_pid_is_exclusive_across_processes_and_file_stays()
    {
        using var dir = new TempDir();
        var path = LockFile.PathFor(dir.Path, "pg", LockKind.ArchiveWal);
        Assert.EndsWith("/.pg-archive-wal.lock", path);
        using (var held = LockFile.TryAcquire(path))
        {
            Assert.NotNull(held);
            Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(Environment.ProcessId, LockFile.Holder(path));
            // flock(1) from another process cannot take it while we hold it
            using var flock = Process.Start("flock", ["-n", path, "true"]);
            Assert.True(flock.WaitForExit(Bounded.Default), "flock -n did not finish");
            Assert.Equal(1, flock.ExitCode);
        }
        Assert.True(File.Exists(path));
        Assert.Null(LockFile.Holder(path));
    }

    [Fact]
    public void Busy_lock_held_by_another_process_is_reported_with_its_pid()
    {
        using var dir = new TempDir();
        var path = LockFile.PathFor(dir.Path, "pg", LockKind.ReceiveWal);
        using var holder = Process.Start("flock", [path, "-c", "echo $$ > " + path + "; sleep 30"]);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (LockFile.Holder(path) is not > 0 && DateTime.UtcNow < deadline)
                Thread.Sleep(20);
            Assert.True(LockFile.Holder(path) > 0);
            Assert.Null(LockFile.TryAcquire(path));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit(Bounded.Default);
        }
        // the holder's children die asynchronously: the lock frees once the last fd closes
        LockFile? after = null;
        for (var i = 0; i < 100 && after is null; i++)
        {
            after = LockFile.TryAcquire(path);
            if (after is null)
                Thread.Sleep(50);
        }
        using (after)
            Assert.NotNull(after);
    }

    [Fact]
    public async Task Blocking_acquire_waits_for_the_holder()
    {
        using var dir = new TempDir();
        var path = LockFile.PathFor(dir.Path, "pg", LockKind.Xlogdb);
        var first = LockFile.TryAcquire(path)!;
        var waiting = Task.Run(() => LockFile.AcquireAsync(path, Bounded.Token()));
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        first.Dispose();
        using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(second);
    }
}
