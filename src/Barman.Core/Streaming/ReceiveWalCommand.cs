using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Streaming;

/// <summary>
/// <c>barman receive-wal</c> (spec §6): which of its modes the flags select. Streaming itself is
/// <see cref="ReceiveWal"/>.
/// </summary>
internal static class ReceiveWalCommand
{
    /// <summary>
    /// Barman's <c>cli.receive_wal</c> after <c>get_server</c>: <c>--stop</c> &gt; <c>--create-slot</c> &gt;
    /// <c>--drop-slot</c> &gt; stream. Returns an exit code that overrides the output's (143 after
    /// SIGTERM), or null to let the output decide (1 if an error was printed, else 0).
    /// </summary>
    /// <param name="signals">Which signal cancelled <paramref name="cancellationToken"/>; null: none is known (a cancellation counts as SIGINT).</param>
    public static async Task<int?> DispatchAsync(ServerConfig server, IOutput output, ReceiveWalOptions options, ISignalSource? signals, CancellationToken cancellationToken)
    {
        if (options.Stop && options.Reset)
        {
            output.Error("--stop and --reset options are not compatible");
            return null;
        }
        if (options.Stop)
        {
            await ProcessManager.StopReceiveWalAsync(server, output.ForLogger("barman.server"), failIfNotPresent: true, cancellationToken);
            return null;
        }
        if (options.CreateSlot)
        {
            await ReplicationSlotManager.CreateAsync(server, output, options.IfNotExists, cancellationToken);
            return null;
        }
        if (options.DropSlot)
        {
            await ReplicationSlotManager.DropAsync(server, output, cancellationToken);
            return null;
        }
        if (options.Background && !options.Reset)
            return await ReceiveWalBackground.StartAsync(server, output, cancellationToken);
        return await new ReceiveWal(server, output, signals).RunAsync(options.Reset, cancellationToken);
    }
}
