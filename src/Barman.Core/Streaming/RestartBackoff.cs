namespace Barman.Core.Streaming;

/// <summary>
/// The pauses of receive-wal's self-healing restart (ours): <see cref="Initial"/> first, doubled after
/// each failed attempt up to <see cref="Maximum"/>, and back to <see cref="Initial"/> after a run
/// longer than <see cref="LongRun"/>.
/// </summary>
internal sealed record RestartBackoff(TimeSpan Initial, TimeSpan Maximum)
{
    public static readonly RestartBackoff Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>A run this long proves the stream works: the next failure starts the backoff over.</summary>
    public static readonly TimeSpan LongRun = TimeSpan.FromSeconds(60);

    /// <summary>The pause after <paramref name="current"/>: twice as long, never more than <see cref="Maximum"/>.</summary>
    public TimeSpan Next(TimeSpan current) => TimeSpan.FromTicks(Math.Min(current.Ticks * 2, Maximum.Ticks));

    /// <summary>The pause after a run that lasted <paramref name="ran"/>: <see cref="Initial"/> after a long run, else <paramref name="pause"/>.</summary>
    public TimeSpan AfterRun(TimeSpan pause, TimeSpan ran) => ran > LongRun ? Initial : pause;
}
