using System.Runtime.InteropServices;

namespace Barman.Core.Os;

/// <summary>How a failed file operation is told to the operator.</summary>
internal static class FileErrors
{
    /// <summary>The cause of a failure in the operator's words (errno text and the file concerned).</summary>
    public static string Describe(Exception? e) => e switch
    {
        null => "unknown error",
        UnauthorizedAccessException u => u.InnerException?.Message is { } inner ? $"{u.Message} ({inner})" : u.Message,
        _ => e.Message,
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
