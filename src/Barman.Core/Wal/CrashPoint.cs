using System.Diagnostics;
#if BARMAN_TEST_SEAMS
using Barman.Core.Os;
#endif

namespace Barman.Core.Wal;

/// <summary>
/// Test seam for the crash-safety tests: with <c>BARMAN_TEST_CRASH_AT=&lt;point&gt;:&lt;n&gt;</c> the
/// process SIGKILLs itself the n-th time it passes <c>point</c> (<c>any</c> counts every point).
/// It exists only where <c>BARMAN_TEST_SEAMS</c> is defined (every build but <c>dotnet publish</c>,
/// Directory.Build.props): in a published binary the calls are not even compiled
/// (<see cref="ConditionalAttribute"/>) and the variable is unknown (scripts/check-release.sh).
/// </summary>
internal static class CrashPoint
{
#if BARMAN_TEST_SEAMS
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
#endif

    /// <summary>A point where a crash must be harmless; a no-op (one static test) without the variable.</summary>
    [Conditional("BARMAN_TEST_SEAMS")]
    public static void Hit(string point)
    {
#if BARMAN_TEST_SEAMS
        if (Target is not { } target)
            return;
        if (target.Point != "any" && target.Point != point)
            return;
        if (Interlocked.Increment(ref _hits) == target.Count)
        {
            Posix.Kill(Environment.ProcessId, Posix.SIGKILL);
            Thread.Sleep(Timeout.Infinite);
        }
#endif
    }
}
