namespace Barman.Core.Configuration;

/// <summary>
/// Barman's <c>_check_conflicting_paths</c>: the six directories of every server (servers in name
/// order, labels sorted) compared by real path. A clash inside one server disables it; a clash
/// between servers is a global error that stops every command.
/// </summary>
internal static class PathConflicts
{
    /// <returns>the messages that disable each server; global errors are added to <paramref name="errors"/>.</returns>
    public static Dictionary<string, List<string>> Find(IEnumerable<ServerConfig> servers, List<string> errors)
    {
        var owners = new Dictionary<string, (string Label, string Server)>(StringComparer.Ordinal);
        var disabled = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var server in servers.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            (string Label, string Path)[] paths =
            [
                ("backup_directory", server.BackupDirectory),
                ("basebackups_directory", server.BasebackupsDirectory),
                ("errors_directory", server.ErrorsDirectory),
                ("incoming_wals_directory", server.IncomingWalsDirectory),
                ("streaming_wals_directory", server.StreamingWalsDirectory),
                ("wals_directory", server.WalsDirectory),
            ];
            foreach (var (label, path) in paths)
            {
                if (ArchiveUrl.LooksLikeUrl(path))
                    continue; // an object store: each server has its own prefix in it
                var real = RealPath(path);
                if (!owners.TryGetValue(real, out var owner))
                {
                    owners[real] = (label, server.Name);
                    continue;
                }
                var shown = real == path ? $"{label}={path}" : $"{label}={path} (symlink to: {real})";
                if (owner.Server == server.Name)
                {
                    if (!disabled.TryGetValue(server.Name, out var list))
                        disabled[server.Name] = list = [];
                    list.Add($"Conflicting path: {shown} conflicts with '{owner.Label}' for server '{owner.Server}'");
                }
                else
                {
                    errors.Add($"Conflicting path: {shown} for server '{server.Name}' conflicts with '{owner.Label}' for server '{owner.Server}'");
                }
            }
        }
        return disabled;
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
