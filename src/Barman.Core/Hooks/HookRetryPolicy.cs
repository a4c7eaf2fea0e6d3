namespace Barman.Core.Hooks;

/// <summary>
/// How a retry hook script is retried (Barman's <c>RetryHookScriptRunner</c> constants): a short
/// break after each failure, and a long nap once <see cref="AttemptsBeforeNap"/> breaks were taken.
/// Injectable so that tests do not wait for real.
/// </summary>
internal sealed record HookRetryPolicy(TimeSpan BreakTime, TimeSpan NapTime, int AttemptsBeforeNap = 5)
{
    /// <summary>Barman 3.4: 3 s between tries, a 60 s nap after 5 of them.</summary>
    public static HookRetryPolicy Barman { get; } = new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60));
}
