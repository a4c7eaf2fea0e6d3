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
}
