using System.Security.Cryptography;
using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Transfer;

/// <summary>
/// <c>barman put-wal SERVER</c> (Barman's <c>Server.put_wal</c>, spec §12.6): the receiving end of
/// barman-wal-archive, PostgreSQL's <c>archive_command</c> over ssh. The tar stream on stdin is read
/// whole, every file checked against its checksum, and only then are the files renamed into
/// incoming/ (each fsynced before, the directory once after), where archive-wal takes them. Any
/// refusal writes nothing: the temporary files are hidden and removed.
/// </summary>
internal static class PutWal
{
    public static async Task RunAsync(ServerConfig server, IOutput output, bool test, Func<Stream> openInput, CancellationToken cancellationToken)
    {
        if (!server.Active)
        {
            // Barman 3.4: inactive_is_error. PostgreSQL keeps the file and retries.
            output.Error($"Inactive server: {server.Name}");
            return;
        }
        if (test)
        {
            output.Info($"Ready to accept WAL files for the server {server.Name}");
            return;
        }
        var suffix = SshClient.Suffix();
        var incoming = server.IncomingWalsDirectory;
        try
        {
            DurableFile.CreateDirectoryDurably(incoming);
            ReceivedFiles.RemoveAbandoned(incoming);
            await using var input = openInput();
            using var received = await ReceivedFiles.ReadAsync(input, incoming, server.Name, suffix, cancellationToken);
            foreach (var warning in received.Warnings)
                output.Warning(warning);
            await VerifyAsync(received, server.Name, suffix, cancellationToken);
            // Every existing name is checked before the first rename: a refusal writes nothing.
            var toPlace = new List<ReceivedFile>();
            foreach (var file in received.Files)
            {
                if (!await AlreadyThereAsync(file, server.Name, suffix, cancellationToken))
                    toPlace.Add(file);
            }
            foreach (var file in toPlace)
                await PlaceAsync(file, server.Name, suffix, cancellationToken);
            if (toPlace.Count > 0)
                DurableFile.FsyncDirectory(incoming);
        }
        catch (PutWalRefused e)
        {
            output.Error(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            BarmanLog.For("barman.server").Error(e, "put-wal failed for server {Server:l}", server.Name);
            output.Error($"Unable to receive WAL files in put-wal for server '{server.Name}'{suffix}: {FileErrors.Describe(e)}");
        }
    }

    /// <summary>Every listed checksum matches its file and every file has one (Barman's checks and words).</summary>
    private static async Task VerifyAsync(ReceivedFiles received, string server, string suffix, CancellationToken cancellationToken)
    {
        var log = BarmanLog.For("barman.server");
        var byName = received.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var verified = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listed in received.Checksums)
        {
            if (!byName.TryGetValue(listed.Name, out var file))
                throw new PutWalRefused($"Checksum without corresponding file '{listed.Name}' in put-wal for server '{server}'{suffix}");
            var actual = await HashAsync(file.TemporaryPath, listed.Kind, cancellationToken);
            if (!string.Equals(actual, listed.Value, StringComparison.OrdinalIgnoreCase))
                throw new PutWalRefused($"Bad file checksum '{actual}' (should be {listed.Value}) for file '{listed.Name}' in put-wal for server '{server}'{suffix}");
            log.Information("Received file '{Name:l}' with checksum '{Checksum:l}' by put-wal for server '{Server:l}'{Suffix:l}", listed.Name, listed.Value, server, suffix);
            verified.Add(listed.Name);
        }
        foreach (var file in received.Files)
        {
            if (!verified.Contains(file.Name))
                throw new PutWalRefused($"Missing checksum for file '{file.Name}' in put-wal for server '{server}'{suffix}");
        }
    }

    private static async Task<string> HashAsync(string path, ChecksumKind kind, CancellationToken cancellationToken)
    {
        await using var stream = DurableFile.OpenSequential(path);
        var hash = kind == ChecksumKind.Md5 ? await MD5.HashDataAsync(stream, cancellationToken) : await SHA256.HashDataAsync(stream, cancellationToken);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// True when incoming/ already holds the same content under the name (PostgreSQL retrying after a
    /// lost answer: success, Barman 3.13); a different file there is Barman's error.
    /// </summary>
    private static async Task<bool> AlreadyThereAsync(ReceivedFile file, string server, string suffix, CancellationToken cancellationToken)
    {
        if (FileCalls.Lstat(file.FinalPath) is null)
            return false;
        if (!await SameContentAsync(file.FinalPath, file.TemporaryPath, cancellationToken))
            throw new PutWalRefused($"Impossible to write already existing file '{file.Name}' in put-wal for server '{server}'{suffix}");
        BarmanLog.For("barman.server").Information("File '{Name:l}' is already in the incoming directory of server '{Server:l}' with the same content: nothing to do{Suffix:l}", file.Name, server, suffix);
        return true;
    }

    private static async Task PlaceAsync(ReceivedFile file, string server, string suffix, CancellationToken cancellationToken)
    {
        try
        {
            FileCalls.RenameNoReplace(file.TemporaryPath, file.FinalPath);
        }
        catch (IOException e) when (e.HResult == FileCalls.EEXIST)
        {
            // Another put-wal placed it since we looked.
            if (!await AlreadyThereAsync(file, server, suffix, cancellationToken))
                throw;
        }
    }

    private static async Task<bool> SameContentAsync(string a, string b, CancellationToken cancellationToken)
    {
        await using var left = DurableFile.OpenSequential(a);
        await using var right = DurableFile.OpenSequential(b);
        return left.Length == right.Length && await StreamComparison.EqualAsync(left, right, cancellationToken);
    }
}
