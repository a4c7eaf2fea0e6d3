using Barman.Core.Configuration;
using Barman.Core.Os;

namespace Barman.Core.Checks;

/// <summary>
/// <c>directories</c>: creates every configured directory (Barman's <c>_make_directories</c>), 0700,
/// and narrows an existing one found wider.
/// A disabled server gets no line at all, as in Barman.
/// </summary>
internal sealed class DirectoriesCheck : ICheckItem
{
    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        if (server.Disabled)
            return Task.CompletedTask;
        var directories = server.Directories
            .Where(d => !(d.Key == "wals_directory" && server.WalsInObjectStore))
            .Select(d => d.Path)
            .Append(server.XlogdbDirectory);
        foreach (var directory in directories)
        {
            if (string.IsNullOrEmpty(directory) || Directory.Exists(directory))
                continue;
            try
            {
                DurableFile.CreateDirectoryDurably(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var failing = FailingPath(directory);
                context.Result("directories", false, $"{failing}: {StrError(failing, e)}");
                return Task.CompletedTask;
            }
        }
        ServerDirectories.Secure(server);
        context.Result("directories", true);
        return Task.CompletedTask;
    }

    /// <summary>The path whose mkdir failed, as Python's <c>os.makedirs</c> reports it: the topmost missing one.</summary>
    private static string FailingPath(string directory)
    {
        var path = directory;
        while (Path.GetDirectoryName(path) is { } parent && !Path.Exists(parent))
            path = parent;
        return path;
    }

    /// <summary>The C library's wording of the failure (Python prints <c>strerror</c>).</summary>
    private static string StrError(string failing, Exception e)
    {
        if (e is UnauthorizedAccessException)
            return "Permission denied";
        if (File.Exists(failing))
            return "File exists";
        if (Path.GetDirectoryName(failing) is { } parent && File.Exists(parent))
            return "Not a directory";
        return e.Message;
    }
}
