namespace Barman.Core.Configuration;

/// <summary>
/// Barman's <c>_check_conflicting_paths</c>: the six directories of every server (servers in name
/// order, labels sorted) compared by real path. A clash inside one server disables it; a clash
/// between servers is a global error that stops every command. Ours: a directory inside one whose
/// files barman moves, deletes or lists (<see cref="IsWorkDirectory"/>: every one but
/// <c>backup_directory</c>, which holds them all) disables the servers concerned — archive-wal would
/// otherwise archive (and delete) the other's files, or move a whole directory to errors as an unknown
/// file (Barman 3.4 does both).
/// </summary>
internal static class PathConflicts
{
    private sealed record Entry(string Server, string Label, string Path, string Real);

    /// <returns>the messages that disable each server; global errors are added to <paramref name="errors"/>.</returns>
    public static Dictionary<string, List<string>> Find(IEnumerable<ServerConfig> servers, List<string> errors)
    {
        var owners = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var disabled = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        foreach (var server in servers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            foreach (var (label, path) in server.Directories)
            {
                if (ArchiveUrl.LooksLikeUrl(path))
                    continue; // an object store: each server has its own prefix in it
                var entry = new Entry(server.Name, label, path, RealPath(path));
                entries.Add(entry);
                if (!owners.TryGetValue(entry.Real, out var owner))
                {
                    owners[entry.Real] = entry;
                    continue;
                }
                if (owner.Server == server.Name)
                    Disable(disabled, server.Name, $"Conflicting path: {Shown(entry)} conflicts with '{owner.Label}' for server '{owner.Server}'");
                else
                    errors.Add($"Conflicting path: {Shown(entry)} for server '{server.Name}' conflicts with '{owner.Label}' for server '{owner.Server}'");
            }
        }
        foreach (var outer in entries.Where(e => IsWorkDirectory(e.Label)))
        {
            var inside = entries.Where(e => IsInside(e.Real, outer.Real) && (e.Server != outer.Server || IsWorkDirectory(e.Label))).ToList();
            // One message per directory tree: not the directories of a server inside another of its own already named.
            foreach (var inner in inside.Where(e => !inside.Any(o => o.Server == e.Server && IsInside(e.Real, o.Real))))
            {
                Disable(disabled, inner.Server, $"Conflicting path: {Shown(inner)} is inside '{outer.Label}' ({outer.Real}) for server '{outer.Server}'");
                if (outer.Server != inner.Server)
                    Disable(disabled, outer.Server, $"Conflicting path: {Shown(outer)} contains '{inner.Label}' ({inner.Real}) for server '{inner.Server}'");
            }
        }
        return disabled;
    }

    /// <summary>A directory barman lists and empties (everything but <c>backup_directory</c>, the container of the others).</summary>
    private static bool IsWorkDirectory(string label) => label != "backup_directory";

    private static bool IsInside(string path, string directory) =>
        path.Length > directory.Length && path.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Shown(Entry e) => e.Real == e.Path ? $"{e.Label}={e.Path}" : $"{e.Label}={e.Path} (symlink to: {e.Real})";

    private static void Disable(Dictionary<string, List<string>> disabled, string server, string message)
    {
        if (!disabled.TryGetValue(server, out var list))
            disabled[server] = list = [];
        list.Add(message);
    }

    /// <summary>Python's <c>os.path.realpath</c>: absolute, symlinks resolved as far as the path exists.</summary>
    internal static string RealPath(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var parts = full.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        var hops = 0;
        var queue = new Queue<string>(parts);
        while (queue.Count > 0)
        {
            var part = queue.Dequeue();
            var candidate = Path.Combine(current, part);
            FileSystemInfo info = new FileInfo(candidate);
            string? target = null;
            try
            {
                target = info.LinkTarget;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            if (target is null || ++hops > 40)
            {
                current = candidate;
                continue;
            }
            // Resolve the link target relative to the link's directory, then continue with what is left.
            var resolved = Path.GetFullPath(target, current);
            var rest = queue.ToArray();
            queue.Clear();
            current = "/";
            foreach (var p in resolved.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest))
                queue.Enqueue(p);
        }
        return current;
    }
}
