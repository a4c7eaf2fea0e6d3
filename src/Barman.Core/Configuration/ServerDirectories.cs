using Barman.Core.Logging;
using Barman.Core.Os;

namespace Barman.Core.Configuration;

/// <summary>
/// The modes of a server's directories: 0700 whatever the umask. New ones are created so
/// (<see cref="DurableFile.CreateDirectoryDurably"/>); <see cref="Secure"/> narrows the existing ones a
/// run finds wider (left by an older version or a umask) and logs each change.
/// </summary>
internal static class ServerDirectories
{
    public static void Secure(ServerConfig server)
    {
        foreach (var (_, path) in server.Directories.Where(d => !ArchiveUrl.LooksLikeUrl(d.Path)))
            ModeChanges.Log(FileModes.Narrow(path, FileModes.PrivateDirectory));
        if (!string.IsNullOrEmpty(server.XlogdbDirectory))
            ModeChanges.Log(FileModes.Narrow(server.XlogdbDirectory, FileModes.PrivateDirectory));
    }
}
