using Barman.Core.Compression;
using Barman.Core.Configuration;
using Barman.Core.Hooks;
using Barman.Core.Logging;
using Barman.Core.Text;
using Serilog;

namespace Barman.Core.Wal;

/// <summary>A pre_archive_retry_script exited 63 (ABORT_STOP) for the file at <see cref="Index"/>.</summary>
internal sealed record HookAbort(int Index, string Reason);

/// <summary>
/// The archive hooks of one archiver run (Barman's <c>WalArchiver.archive_wal</c>, spec §8.3):
/// <c>pre_archive_script</c> then <c>pre_archive_retry_script</c> before a file is archived,
/// <c>post_archive_retry_script</c> then <c>post_archive_script</c> after, whatever happened to it.
/// Only built when at least one of them is configured, so that archiving without hooks costs nothing.
/// </summary>
internal sealed class ArchiveHooks
{
    private const string ScriptName = "archive_script";
    private const string RetryScriptName = "archive_retry_script";

    private readonly ServerConfig _server;
    private readonly HookRunner _runner;
    private readonly ILogger _log = BarmanLog.For("barman.wal_archiver");
    // BARMAN_COMPRESSION of each source as the pre hooks saw it: after archiving the source is gone.
    private readonly Dictionary<string, string?> _sourceCompression = new(StringComparer.Ordinal);

    private ArchiveHooks(ServerConfig server, HookRetryPolicy policy)
    {
        _server = server;
        _runner = new HookRunner(server, policy);
    }

    /// <summary>The hooks of <paramref name="server"/>, or null when none is configured.</summary>
    public static ArchiveHooks? For(ServerConfig server, HookRetryPolicy policy) =>
        IsSet(server.PreArchiveScript) || IsSet(server.PreArchiveRetryScript) || IsSet(server.PostArchiveRetryScript) || IsSet(server.PostArchiveScript)
            ? new ArchiveHooks(server, policy)
            : null;

    /// <summary>Whether a post hook is configured: a committed chunk's journal then stays until they ran.</summary>
    public bool HasPostHooks => IsSet(_server.PostArchiveRetryScript) || IsSet(_server.PostArchiveScript);

    /// <summary>
    /// Runs the pre hooks of <paramref name="files"/> in order. Stops at the first file whose
    /// pre_archive_retry_script asks to stop, and returns it; null when every file may be archived.
    /// </summary>
    /// <param name="identifyCompression">incoming files may arrive compressed (Barman reads their magic; streaming files are never compressed)</param>
    public async Task<HookAbort?> RunPreAsync(IReadOnlyList<WalSource> files, bool identifyCompression, CancellationToken cancellationToken)
    {
        for (var i = 0; i < files.Count; i++)
        {
            var source = files[i];
            var compression = identifyCompression ? Identify(source.Path) : null;
            _sourceCompression[source.Path] = compression;
            var variables = Variables(source.Name, source.Status.PythonMtime, source.Path, source.Status.Size, compression, "");
            if (IsSet(_server.PreArchiveScript))
                await _runner.RunAsync("pre", ScriptName, _server.PreArchiveScript!, retry: false, variables, cancellationToken);
            if (IsSet(_server.PreArchiveRetryScript)
                && await _runner.RunAsync("pre", RetryScriptName, _server.PreArchiveRetryScript!, retry: true, variables, cancellationToken) == HookRunner.AbortStop)
                return new HookAbort(i, HookRunner.AbortMessage("pre", RetryScriptName, _server.PreArchiveRetryScript!, HookRunner.AbortStop));
        }
        return null;
    }

    /// <summary>
    /// Runs the post hooks of one file whose pre hooks ran. <paramref name="archived"/> is the archive
    /// file's size and compression when it was archived; otherwise <paramref name="error"/> says why not.
    /// Unlike Barman 3.4, post_archive_script gets the same <c>BARMAN_ERROR</c> as post_archive_retry_script.
    /// </summary>
    public async Task RunPostAsync(WalSource source, string archivePath, (long Size, string? Compression)? archived, string? error, CancellationToken cancellationToken)
    {
        _sourceCompression.Remove(source.Path, out var sourceCompression);
        var variables = archived is { } a
            ? Variables(source.Name, source.Status.PythonMtime, archivePath, a.Size, a.Compression, "")
            : Variables(source.Name, source.Status.PythonMtime, archivePath, source.Status.Size, sourceCompression, error ?? "");
        await RunPostAsync(variables, cancellationToken);
    }

    /// <summary>
    /// The post hooks of a file that an interrupted run archived and recorded but whose post hooks may
    /// not have run (ours: Barman never runs them), called by the recovery with its xlog.db entry.
    /// </summary>
    public Task RunPostAsync(XlogDbEntry archived, string archivePath, CancellationToken cancellationToken) =>
        RunPostAsync(Variables(archived.Name, archived.Time, archivePath, archived.Size, archived.Compression, ""), cancellationToken);

    private async Task RunPostAsync(Dictionary<string, string> variables, CancellationToken cancellationToken)
    {
        if (IsSet(_server.PostArchiveRetryScript))
        {
            var script = _server.PostArchiveRetryScript!;
            if (await _runner.RunAsync("post", RetryScriptName, script, retry: true, variables, cancellationToken) == HookRunner.AbortStop)
                _log.Warning("Ignoring stop request after receiving abort (exit code {Status}) from post-archive retry hook script: {Script:l}", HookRunner.AbortStop, script);
        }
        if (IsSet(_server.PostArchiveScript))
            await _runner.RunAsync("post", ScriptName, _server.PostArchiveScript!, retry: false, variables, cancellationToken);
    }

    /// <summary>Barman's <c>BARMAN_ERROR</c> for a duplicate: <c>str(MatchingDuplicateWalFile(wal_info))</c> or <c>DuplicateWalFile</c>.</summary>
    public string DuplicateError(WalSource source, bool matching)
    {
        var compression = _sourceCompression.GetValueOrDefault(source.Path) is { } c ? $"'{c}'" : "None";
        var info = $"WalFileInfo(compression={compression}, name='{source.Name}', size={source.Status.Size}, time={PythonFloat.Format(source.Status.PythonMtime)})";
        return (matching ? "MatchingDuplicateWalFile:" : "DuplicateWalFile:") + info;
    }

    /// <summary>Barman's <c>env_from_wal_info</c>.</summary>
    private static Dictionary<string, string> Variables(string name, double mtime, string file, long size, string? compression, string error) => new(StringComparer.Ordinal)
    {
        ["BARMAN_SEGMENT"] = name,
        ["BARMAN_FILE"] = file,
        ["BARMAN_SIZE"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BARMAN_TIMESTAMP"] = PythonFloat.Format(mtime),
        ["BARMAN_COMPRESSION"] = compression ?? "",
        ["BARMAN_ERROR"] = error,
    };

    private static string? Identify(string path)
    {
        try
        {
            return Compressors.Identify(path) is { } format ? Compressors.For(format).Name : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // archiving this file will fail and say why
        }
    }

    private static bool IsSet(string? script) => !string.IsNullOrEmpty(script);
}
