using System.Globalization;
using Barman.Core.Wal.Verify;

namespace Barman.Core.Checks;

/// <summary>
/// <c>wal verification</c> (ours): the result of the server's last <c>barman verify-wal</c>, FAILED when it found a
/// problem. Shown only once verify-wal has run on the server, so that check says exactly what Barman's says for a
/// server that never verified.
/// </summary>
internal sealed class WalVerificationCheck : ICheckItem
{
    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        if (VerifyWalState.TryRead(context.Server) is { } last)
        {
            var when = last.Finished.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
            context.Result("wal verification", last.Proven, last.Proven
                ? $"last run {when}: {last.FileCount} files proven"
                : $"last run {when}: {last.ProblemCount} problems, first: {last.FirstProblem}");
        }
        return Task.CompletedTask;
    }
}
