using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;
using Serilog;

namespace Barman.Core.Wal;

/// <summary>
/// The server's <c>errors/</c> directory as an archiver uses it: different duplicates and unknown
/// objects of a queue are moved there (<c>&lt;name&gt;.&lt;stamp&gt;.duplicate|unknown</c>), never
/// replacing an entry. Always local, whatever the archive's storage.
/// </summary>
internal sealed class ErrorsDirectory(ServerConfig server, IOutput output, ILogger log, WalSourceKind kind)
{
    private string SourceDirectory => kind.Directory(server);

    /// <summary>Moves a different duplicate of an archived file; the caller fsyncs both directories.</summary>
    public void MoveDuplicate(WalSource source, string stamp) =>
        _ = Move(source.Path, WalLayout.ErrorPath(server, source.Name, stamp, "duplicate"));

    /// <summary>Moves a file refused as not this cluster's WAL (<c>.corrupt</c>); the caller fsyncs both directories.</summary>
    public string MoveCorrupt(WalSource source, string stamp) =>
        Move(source.Path, WalLayout.ErrorPath(server, source.Name, stamp, "corrupt"));

    /// <summary>
    /// Moves every unknown object of the queue (Barman's lines and warnings), then fsyncs both
    /// directories. False when a move failed (already reported with <c>ERROR:</c>).
    /// </summary>
    public bool MoveUnknown(IReadOnlyList<string> unknown, string stamp)
    {
        var archiver = kind.ArchiverName();
        output.Info($"Some unknown objects have been found while processing xlog segments for {server.Name}. Objects moved to errors directory:", log: false);
        log.Warning("Archiver is about to move {Count} unexpected file(s) to errors directory for {Server:l} from {Archiver:l}", unknown.Count, server.Name, archiver);
        foreach (var name in unknown)
        {
            output.Info("\t" + name, log: false);
            log.Warning("Moving unexpected file for {Server:l} from {Archiver:l}: {Name:l}", server.Name, archiver, name);
            var source = Path.Combine(SourceDirectory, name);
            try
            {
                Move(source, WalLayout.ErrorPath(server, name, stamp, "unknown"));
            }
            catch (FileNotFoundException)
            {
                log.Warning("{Path:l} not found", source);
            }
            catch (DirectoryNotFoundException)
            {
                log.Warning("{Path:l} not found", source);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (e is IOException { HResult: FileCalls.ENOENT })
                {
                    log.Warning("{Path:l} not found", source);
                    continue;
                }
                output.Error($"Unable to move '{source}' to the errors directory of server '{server.Name}': {FileErrors.Describe(e, [server.ErrorsDirectory, SourceDirectory])}");
                return false;
            }
        }
        DurableFile.FsyncDirectory(server.ErrorsDirectory);
        DurableFile.FsyncDirectory(SourceDirectory);
        return true;
    }

    /// <summary>
    /// Moves a file or directory into errors/ (created when missing — Barman 3.4 crashes there),
    /// never replacing an existing entry. The caller fsyncs both directories.
    /// </summary>
    /// <returns>the entry's path in errors/.</returns>
    private string Move(string source, string destination)
    {
        DurableFile.CreateDirectoryDurably(server.ErrorsDirectory);
        var target = destination;
        for (var n = 1; ; n++)
        {
            try
            {
                FileCalls.RenameNoReplace(source, target);
                return target;
            }
            catch (IOException e) when (e.HResult == FileCalls.EEXIST)
            {
                target = $"{destination}.{n}";
            }
            catch (IOException e) when (e.HResult == FileCalls.EXDEV && FileCalls.Lstat(source) is { IsRegularFile: true } status)
            {
                try
                {
                    DurableFile.CopyDurably(source, target + ".tmp", status);
                    FileCalls.RenameNoReplace(target + ".tmp", target);
                }
                catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
                {
                    DurableFile.DeleteIfExists(target + ".tmp"); // a full disk keeps nothing of the attempt
                    throw;
                }
                DurableFile.FsyncDirectory(server.ErrorsDirectory);
                File.Delete(source);
                return target;
            }
        }
    }
}
