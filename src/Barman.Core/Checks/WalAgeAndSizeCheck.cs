using Barman.Core.Text;
using Barman.Core.Wal;

namespace Barman.Core.Checks;

/// <summary>
/// <c>wal maximum age</c> and <c>wal size</c>. Barman measures both from the last backup; this
/// tool has no backups, so the age is that of the newest archived WAL and the size is the whole
/// archive (xlog.db), which is also the Nagios <c>&lt;srv&gt;_wals</c> perfdata.
/// </summary>
internal sealed class WalAgeAndSizeCheck(TimeProvider? clock = null) : ICheckItem
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var entries = await XlogDb.ReadEntriesAsync(context.Server, cancellationToken);
        if (context.Server.LastWalMaximumAge is { } maximum)
        {
            if (entries.Count == 0)
            {
                context.Result("wal maximum age", false, "No WAL files archived for last backup");
            }
            else
            {
                var newest = DateTimeOffset.FromUnixTimeMilliseconds((long)(entries.Max(e => e.Time) * 1000));
                var age = _clock.GetUtcNow() - newest;
                context.Result("wal maximum age", age <= maximum,
                    $"interval provided: {HumanFormat.Timedelta(maximum)}, latest wal age: {HumanFormat.Timedelta(age)}");
            }
        }
        else
        {
            context.Result("wal maximum age", true, "no last_wal_maximum_age provided");
        }
        context.ArchivedWalBytes = entries.Sum(e => e.Size);
        context.Result("wal size", true, HumanFormat.PrettySize(context.ArchivedWalBytes));
    }
}
