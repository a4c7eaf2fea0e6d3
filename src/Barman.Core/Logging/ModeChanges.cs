using Barman.Core.Os;

namespace Barman.Core.Logging;

/// <summary>Where a narrowed mode is told: one WARNING line (logger <c>barman.server</c>), so the operator knows a setup relied on it.</summary>
internal static class ModeChanges
{
    public static void Log(ModeChange? change)
    {
        if (change is not null)
            BarmanLog.For("barman.server").Warning("{Change:l}", change.ToString());
    }
}
