namespace Barman.Core.Checks;

/// <summary>
/// <c>directories</c>: creates every configured directory (Barman's <c>_make_directories</c>).
/// A disabled server gets no line at all, as in Barman.
/// </summary>
public sealed class DirectoriesCheck : ICheckItem
{
    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        if (server.Disabled)
            return Task.CompletedTask;
        string?[] directories =
        [
            server.BackupDirectory, server.BasebackupsDirectory, server.ErrorsDirectory, server.IncomingWalsDirectory,
            server.StreamingWalsDirectory, server.WalsDirectory, server.XlogdbDirectory,
        ];
        foreach (var directory in directories)
        {
            if (string.IsNullOrEmpty(directory) || Directory.Exists(directory))
                continue;
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Result("directories", false, $"{FailingPath(directory)}: {StrError(e)}");
                return Task.CompletedTask;
            }
        }
        context.Result("directories", true);
        return Task.CompletedTask;
    }

    /// <summary>The deepest ancestor that could not be created (Python's <c>e.filename</c>).</summary>
    private static string FailingPath(string directory)
    {
        var path = directory;
        while (Path.GetDirectoryName(path) is { } parent && !Directory.Exists(parent))
            path = parent;
        return path;
    }

    private static string StrError(Exception e) => e switch
    {
        UnauthorizedAccessException => "Permission denied",
        _ when e.Message.Contains("Not a directory", StringComparison.Ordinal) => "Not a directory",
        _ when e.Message.Contains("exists", StringComparison.OrdinalIgnoreCase) => "File exists",
        _ => e.Message,
    };
}
