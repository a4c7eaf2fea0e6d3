namespace Barman.Core.Os;

/// <summary>
/// A small per-server state file (the last archive-wal or receive-wal outcome): replaced atomically
/// and durably, mode 0600, its directory created when missing; read back whole.
/// </summary>
internal static class StateFile
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <exception cref="IOException">the directory or the file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">permission denied.</exception>
    public static void Write(string path, ReadOnlySpan<byte> contents)
    {
        DurableFile.CreateDirectoryDurably(Path.GetDirectoryName(Path.GetFullPath(path))!);
        DurableFile.Replace(path, contents, Mode);
    }

    /// <summary>The contents, or null when the file does not exist.</summary>
    public static byte[]? Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
