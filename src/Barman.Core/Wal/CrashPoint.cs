using Barman.Core.Os;

namespace Barman.Core.Wal;

/// <summary>
/// Test hook for the crash-safety tests: with <c>BARMAN_TEST_CRASH_AT=&lt;point&gt;:&lt;n&gt;</c> the
/// process SIGKILLs itself the n-th time it passes <c>point</c> (<c>any</c> counts every point).
/// Without the variable every call is a no-op (one static bool test).
/// </summary>
internal static class CrashPoint
{
    public const string Variable = "BARMAN_TEST_CRASH_AT";

    private static readonly (string Point, int Count)? Target = ReadTarget();
    private static int _hits;

    private static (string, int)? ReadTarget()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(value))
            return null;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var n))
            return null;
        return (value[..colon], n);
    }

    public static void Hit(string point)
    {
        if (Target is not { } target)
            return;
        if (target.Point != "any" && target.Point != point)
            return;
        if (Interlocked.Increment(ref _hits) == target.Count)
        {
            Posix.Kill(Environment.ProcessId, Posix.SIGKILL);
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
