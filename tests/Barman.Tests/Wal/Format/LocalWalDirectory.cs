using Barman.Core.Wal;
using Barman.Core.Wal.Format;

namespace Barman.Tests.Wal.Format;

/// <summary>
/// A <see cref="WalReadSource"/> over a local directory of WAL files: flat (pg_wal, a pg_receivewal directory) or with
/// Barman's hash subdirectories (<c>wals/0000000100000000/…</c>). Each file is read as verify-wal reads an archived
/// one (<see cref="ArchivedWal.OpenForWalk"/>: decompressed by its magic).
/// </summary>
internal static class LocalWalDirectory
{
    public static WalReadSource Open(string directory)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(path);
            if (WalFileName.IsAnyXlogFile(name))
                paths.TryAdd(name, path);
        }
        return new WalReadSource(paths.Keys, (name, _) => Task.FromResult(paths.TryGetValue(name, out var path)
            ? ArchivedWal.OpenForWalk(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
            : throw new FileNotFoundException($"no WAL file {name} in {directory}")));
    }
}
