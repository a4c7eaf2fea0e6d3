using System.Diagnostics;

namespace Barman.Tests.Infrastructure;

/// <summary>
/// Every wait of the tests has an end: a process, a stream or an in-process run that never finishes
/// fails the test that waited for it, saying what it waited for, instead of hanging the suite.
/// </summary>
internal static class Bounded
{
    /// <summary>Long enough for the slowest legitimate wait on a loaded CI machine, far below the hang timeout.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(2);

    /// <summary>How long a cancelled operation may take to wind down before it is abandoned.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>A token cancelled after <paramref name="limit"/> (for a call that takes one).</summary>
    public static CancellationToken Token(TimeSpan? limit = null) => new CancellationTokenSource(limit ?? Default).Token;

    /// <summary>
    /// Runs <paramref name="operation"/> with a token cancelled at the deadline; if the deadline passed
    /// (whatever the operation then returned), fails with <see cref="TimeoutException"/>.
    /// </summary>
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, string what, TimeSpan? limit = null, CancellationToken cancellationToken = default)
    {
        var bound = limit ?? Default;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(bound);
        T result;
        try
        {
            result = await operation(cts.Token).WaitAsync(bound + Grace, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Timeout(what, bound);
        }
        catch (TimeoutException)
        {
            throw Timeout(what, bound);
        }
        if (cts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            throw Timeout(what, bound);
        return result;
    }

    public static async Task RunAsync(Func<CancellationToken, Task> operation, string what, TimeSpan? limit = null) =>
        await RunAsync(async ct =>
        {
            await operation(ct);
            return 0;
        }, what, limit);

    /// <summary>Awaits <paramref name="task"/> for at most <paramref name="limit"/>.</summary>
    public static async Task<T> Within<T>(this Task<T> task, string what, TimeSpan? limit = null)
    {
        try
        {
            return await task.WaitAsync(limit ?? Default);
        }
        catch (TimeoutException)
        {
            throw Timeout(what, limit ?? Default);
        }
    }

    /// <inheritdoc cref="Within{T}(Task{T}, string, TimeSpan?)"/>
    public static async Task Within(this Task task, string what, TimeSpan? limit = null)
    {
        try
        {
            await task.WaitAsync(limit ?? Default);
        }
        catch (TimeoutException)
        {
            throw Timeout(what, limit ?? Default);
        }
    }

    /// <summary>Waits for the process to exit; past <paramref name="limit"/> kills its whole tree and fails.</summary>
    public static async Task ExitWithinAsync(this Process process, TimeSpan? limit = null)
    {
        var bound = limit ?? Default;
        using var cts = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            var what = Describe(process);
            process.Kill(entireProcessTree: true);
            throw Timeout(what, bound);
        }
    }

    private static string Describe(Process process)
    {
        try
        {
            return $"process {process.Id} ({string.Join(' ', TestProcesses.Cmdline(process.Id))})";
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return "a process";
        }
    }

    private static TimeoutException Timeout(string what, TimeSpan bound) => new($"{what} did not finish within {bound.TotalSeconds:0} s");
}
