using System.Globalization;

namespace Barman.Core.Os;

/// <summary>
/// The modes of what barman writes, whatever the umask (WAL holds every row of the database):
/// directories 0700, files 0600, the log 0640. Set explicitly after creation (mkdir and open apply the
/// umask, which could leave more or less), and narrowed when a run finds an existing one wider.
/// </summary>
internal static class FileModes
{
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode LogFile = PrivateFile | UnixFileMode.GroupRead;

    /// <summary>
    /// Takes from the mode of <paramref name="path"/> every permission <paramref name="allowed"/> does not
    /// grant (never adds one). Null when nothing changed or it does not exist; a file we may not change
    /// (another owner) is left as it is.
    /// </summary>
    public static ModeChange? Narrow(string path, UnixFileMode allowed)
    {
        FileStatus? status;
        try
        {
            status = FileCalls.Lstat(path);
        }
        catch (IOException)
        {
            return null;
        }
        if (status is not { Kind: FileStatusKind.Regular or FileStatusKind.Directory } found || (found.Mode & ~allowed) == 0)
            return null;
        var narrowed = found.Mode & allowed;
        try
        {
            File.SetUnixFileMode(path, narrowed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ModeChange(path, found.Mode, found.Mode, e.Message);
        }
        return new ModeChange(path, found.Mode, narrowed, null);
    }

    /// <summary>Sets the mode of an open file exactly (fchmod: no window where a path could be swapped).</summary>
    public static void Set(Microsoft.Win32.SafeHandles.SafeFileHandle file, UnixFileMode mode) => File.SetUnixFileMode(file, mode);

    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8).PadLeft(3, '0');
}

/// <summary>A mode barman narrowed (or could not: <see cref="Failure"/>).</summary>
internal sealed record ModeChange(string Path, UnixFileMode From, UnixFileMode To, string? Failure)
{
    /// <summary>The line logged about it.</summary>
    public override string ToString() => Failure is null
        ? string.Create(CultureInfo.InvariantCulture, $"Changed the mode of '{Path}' from {FileModes.Octal(From)} to {FileModes.Octal(To)}: it was readable or writable by others")
        : $"Cannot narrow the mode {FileModes.Octal(From)} of '{Path}': {Failure}";
}
