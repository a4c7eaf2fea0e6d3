using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Storage;
using Barman.Core.Wal;

namespace Barman.Core.Transfer;

/// <summary>
/// <c>barman get-wal</c> (Barman's <c>Server.get_wal</c>, spec §12.5): a WAL file of the server, found in
/// the archive (any storage), incoming/ or streaming/, sent to standard output or into <c>-o DIR</c>
/// as its original bytes (or recompressed, or as stored). PostgreSQL's <c>restore_command</c> runs it
/// once per segment, directly or through barman-wal-restore.
/// </summary>
internal static class GetWal
{
    /// <summary>Exit code of an invalid WAL name and of an output file that cannot be opened (Barman's 3).</summary>
    public const int UsageExitCode = 3;

    /// <param name="claimStandardOutput">gives the binary standard output and diverts every later message to stderr</param>
    public static async Task RunAsync(ServerConfig server, IOutput output, GetWalOptions options, Func<Stream> claimStandardOutput, CancellationToken cancellationToken)
    {
        try
        {
            await RunCheckedAsync(server, output, options, claimStandardOutput, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The archive or a queue could not be read (permission denied, I/O error).
            BarmanLog.For("barman.server").Error(e, "get-wal of {Wal:l} failed", options.WalName);
            output.Error($"Unable to get WAL '{options.WalName}' for server '{server.Name}'{SshClient.Suffix()}: {FileErrors.Describe(e)}");
        }
    }

    private static async Task RunCheckedAsync(ServerConfig server, IOutput output, GetWalOptions options, Func<Stream> claimStandardOutput, CancellationToken cancellationToken)
    {
        if (options.Test)
        {
            output.Info($"Ready to retrieve WAL files from the server {server.Name}");
            return;
        }
        var suffix = SshClient.Suffix();
        var wal = options.WalName;
        if (!WalFileName.IsAnyXlogFile(wal))
        {
            output.ErrorExitCode = UsageExitCode;
            output.Error($"'{wal}' is not a valid wal file name{suffix}");
            return;
        }
        var locator = new WalLocator(server, ArchiveStorage.For(server));
        if (options.Peek is { } count)
        {
            await WalPeek.ListAsync(locator, wal, count, output, cancellationToken);
            return;
        }

        if (options.OutputDirectory is { } directory)
        {
            OutputFile file;
            try
            {
                file = OutputFile.Create(directory, wal);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                output.ErrorExitCode = UsageExitCode;
                output.Error($"Unable to open '{Path.Combine(directory, wal)}' file{suffix}: {FileErrors.Describe(e)}");
                return;
            }
            using (file)
            {
                var sent = await SendAsync(locator, server, options, file.Stream, $"into '{file.Destination}' file", output.Info, output, suffix, cancellationToken);
                if (sent)
                    await CommitAsync(file, server, wal, output, suffix, cancellationToken);
            }
            return;
        }

        // Standard output carries the WAL and nothing else: "Sending WAL" goes to the log only.
        await SendToStandardOutputAsync(locator, server, options, claimStandardOutput(), output, suffix, cancellationToken);
    }

    /// <summary>
    /// Sends the WAL to standard output whole or not at all. A regular file (<c>&gt; %p</c>) is written
    /// directly and truncated back to its starting length when the send fails; anything else (a pipe,
    /// ssh) gets the bytes only once all were read and checked (<see cref="HeldOutput"/>), except a
    /// plain segment of the right length, copied in the kernel.
    /// </summary>
    private static async Task SendToStandardOutputAsync(WalLocator locator, ServerConfig server, GetWalOptions options, Stream stdout,
        IOutput output, string suffix, CancellationToken cancellationToken)
    {
        var log = BarmanLog.For("barman.server");
        void Announce(string message) => log.Information("{Message:l}", message);
        if (stdout is DescriptorStream file && file.TryMarkRewindPoint())
        {
            var sent = false;
            try
            {
                sent = await SendAsync(locator, server, options, file, "to standard output", Announce, output, suffix, cancellationToken);
            }
            finally
            {
                if (!sent)
                    Rewind(file, output, server, options.WalName, suffix);
            }
            return;
        }
        await using var held = new HeldOutput(stdout);
        if (await SendAsync(locator, server, options, held, "to standard output", Announce, output, suffix, cancellationToken))
        {
            try
            {
                await held.ReleaseAsync(cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Failed(output, server, options.WalName, "to standard output", suffix, e);
            }
        }
    }

    private static void Rewind(DescriptorStream file, IOutput output, ServerConfig server, string wal, string suffix)
    {
        try
        {
            file.Rewind();
        }
        catch (IOException e)
        {
            Failed(output, server, wal, "to standard output (and it could not be truncated back)", suffix, e);
        }
    }

    /// <summary>
    /// Finds the file in the search order and sends it; false (after printing why) when it is nowhere
    /// or could not be sent.
    /// </summary>
    private static async Task<bool> SendAsync(WalLocator locator, ServerConfig server, GetWalOptions options, Stream destination, string description,
        Action<string> announce, IOutput output, string suffix, CancellationToken cancellationToken)
    {
        foreach (var location in locator.SearchOrder(options.WalName, options.Partial))
        {
            try
            {
                await using var stored = await locator.TryOpenAsync(location, cancellationToken);
                if (stored is null)
                    continue;
                announce($"Sending WAL '{location.Name}' for server '{server.Name}' {description}{suffix}");
                await WalDelivery.SendAsync(stored, options.Compression, destination, cancellationToken);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Failed(output, server, location.Name, description, suffix, e, locator.Describe(location));
                return false;
            }
        }
        output.Error($"WAL file '{options.WalName}' not found in server '{server.Name}'{suffix}");
        return false;
    }

    private static async Task CommitAsync(OutputFile file, ServerConfig server, string wal, IOutput output, string suffix, CancellationToken cancellationToken)
    {
        try
        {
            await file.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failed(output, server, wal, $"into '{file.Destination}' file", suffix, e);
        }
    }

    private static void Failed(IOutput output, ServerConfig server, string name, string description, string suffix, Exception e, string? source = null)
    {
        BarmanLog.For("barman.server").Error(e, "get-wal of {Source:l} failed", source ?? name);
        var cause = e is WalReadException ? $"{source ?? name}: {e.Message}" : FileErrors.Describe(e);
        output.Error($"Unable to send WAL '{name}' for server '{server.Name}' {description}{suffix}: {cause}");
    }
}
