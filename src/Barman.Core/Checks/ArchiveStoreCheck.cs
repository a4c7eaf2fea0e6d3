using Barman.Core.Storage;

namespace Barman.Core.Checks;

/// <summary>
/// Ours, for an archive on an object store: <c>archive object store</c> fails unless a small object can
/// be written there and removed again within what is left of check_timeout (the hint names the
/// store and the cause: unreachable, access denied...). Later items that read the archive skip it then.
/// </summary>
internal sealed class ArchiveStoreCheck : ICheckItem
{
    public const string Item = "archive object store";

    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        if (!context.Server.WalsInObjectStore || context.Server.Disabled)
            return;
        // keep a little of check_timeout for the items after this one
        var budget = context.Remaining - TimeSpan.FromSeconds(1);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(budget > TimeSpan.Zero ? budget : TimeSpan.FromMilliseconds(1));
        try
        {
            if (ArchiveStorage.For(context.Server) is ObjectArchiveStorage storage)
                await storage.ProbeAsync(bounded.Token);
            context.Result(Item, true);
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            context.ArchiveUnavailable = true;
            context.Result(Item, false, $"{context.Server.WalsDirectory}: no answer within check_timeout");
        }
        catch (IOException e)
        {
            context.ArchiveUnavailable = true;
            context.Result(Item, false, e.Message);
        }
    }
}
