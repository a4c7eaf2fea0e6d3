using System.Runtime.InteropServices;

namespace Barman.Core.Os;

/// <summary>How a failed file operation is told to the operator.</summary>
internal static class FileErrors
{
    private const int EROFS = 30;

    /// <summary>The cause of a failure in the operator's words (errno text and the file concerned).</summary>
    public static string Describe(Exception? e) => e switch
    {
        null => "unknown error",
        UnauthorizedAccessException u => u.InnerException?.Message is { } inner ? $"{u.Message} ({inner})" : u.Message,
        _ => e.Message,
    };

    /// <summary>
    /// <see cref="Describe(Exception?)"/>, except that a refusal (permission denied, operation not permitted,
    /// read-only file system) names the directory that refused (<see cref="RefusingDirectory"/>) rather than
    /// the file .NET was working on.
    /// </summary>
    public static string Describe(Exception e, IEnumerable<string> directories) => RefusingDirectory(e, directories) ?? Describe(e);

    /// <summary><see cref="Cause(Exception)"/>, except that a refusal names the directory that refused (<see cref="RefusingDirectory"/>).</summary>
    public static string Cause(Exception e, IEnumerable<string> directories) => RefusingDirectory(e, directories) ?? Cause(e);

    /// <summary>
    /// For a refusal, <c>&lt;errno text&gt; on directory '&lt;dir&gt;'</c>: the first of <paramref name="directories"/>
    /// (those the failed operation creates or removes entries in, most specific first) where the barman user may
    /// not write; null when <paramref name="e"/> is no refusal or none of them refuses (a directory that does
    /// not exist, or a path that is no local path, is skipped).
    /// </summary>
    private static string? RefusingDirectory(Exception e, IEnumerable<string> directories)
    {
        if (!IsRefusal(e))
            return null;
        foreach (var directory in directories.Where(Path.IsPathRooted).Distinct(StringComparer.Ordinal))
        {
            var errno = Posix.DirectoryWriteRefusal(directory);
            if (errno is Posix.EACCES or Posix.EPERM or EROFS)
                return $"{Marshal.GetPInvokeErrorMessage(errno)} on directory '{directory}'";
        }
        return null;
    }

    /// <summary>A failure caused by permissions or a read-only file system, not by the file's content or the disk.</summary>
    public static bool IsRefusal(Exception e) => e switch
    {
        UnauthorizedAccessException => true,
        IOException { HResult: Posix.EACCES or Posix.EPERM or EROFS } => true,
        _ => false,
    };

    /// <summary>
    /// The cause alone (<c>No space left on device</c>), for a message that already names the files:
    /// .NET appends the path it was working on (often a temporary file) to the errno text.
    /// </summary>
    public static string Cause(Exception e) => e switch
    {
        UnauthorizedAccessException { InnerException: IOException inner } => Cause(inner),
        UnauthorizedAccessException => "Permission denied",
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        IOException { HResult: > 0 and < 4096 } io => Marshal.GetPInvokeErrorMessage(io.HResult),
        _ => e.Message,
    };
}
