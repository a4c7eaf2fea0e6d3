using System.Diagnostics.CodeAnalysis;

namespace Barman.Tests.Durability;

/// <summary>A durable write done in the wrong order, with the part of the trace that shows it.</summary>
internal sealed class DurabilityViolation(string message) : Exception(message);

/// <summary>
/// The rules every durable write obeys, checked on a <see cref="SyscallTrace"/>. A SIGKILL keeps the
/// page cache, a power loss does not: only an fsync (or fdatasync) that completed makes data, or a
/// directory entry, survive. "Before X" below means: completed before X was started.
/// <list type="bullet">
/// <item><see cref="DataSynced"/>: a file written here is fsynced before the rename (or link) that
/// gives it its final name; a file only moved here is fsynced before its new name is made durable.</item>
/// <item><see cref="NameSynced"/>: the directory of a new name (and of every directory created on the
/// way) is fsynced after the name was made and before anything depends on it.</item>
/// <item><see cref="WritesSynced"/>: every write of a file updated in place (xlog.db, a status file) is
/// followed by its fsync before anything depends on it.</item>
/// <item><see cref="RemovalSynced"/>: a removal (unlink, or a rename away) is made durable by an fsync
/// of its directory; <see cref="Ordered"/>: one step strictly before another.</item>
/// </list>
/// Every "before" list takes the dependent steps as events; a null one (no such step in this run) is skipped.
/// </summary>
internal sealed class DurabilityRules(SyscallTrace trace)
{
    public SyscallTrace Trace => trace;

    /// <summary>
    /// The event that gave <paramref name="path"/> its name last: a rename or link to it, its mkdir,
    /// else its first creation with O_CREAT.
    /// </summary>
    public FsEvent EntryOf(string path) =>
        trace.Last(e => (e.Call is FsCall.Rename or FsCall.Link && e.Target == path) || (e.Call == FsCall.Mkdir && e.Path == path))
        ?? trace.Next(e => e.Call == FsCall.Create && e.Path == path)
        ?? throw new DurabilityViolation($"{path} is never created, renamed or linked in the trace:\n{trace}");

    /// <summary>Data, then name: <see cref="DataSynced"/> and <see cref="NameSynced"/> of the entry that made <paramref name="path"/>.</summary>
    public void Published(string path, params FsEvent?[] before) => Published(EntryOf(path), before);

    /// <inheritdoc cref="Published(string, FsEvent?[])"/>
    public void Published(FsEvent entry, params FsEvent?[] before)
    {
        DataSynced(entry);
        NameSynced(entry, before);
    }

    /// <summary>
    /// The data under the name <paramref name="entry"/> made is on disk before that name can be: written
    /// here (since it was last created), it is fsynced after its last write and before the rename or
    /// link; only moved here, it is fsynced (under either name) before its directory is. A file created
    /// in place is fsynced after its last write.
    /// </summary>
    public void DataSynced(FsEvent entry)
    {
        var name = entry.Name;
        if (entry.Call == FsCall.Mkdir)
            return;
        if (entry.Call == FsCall.Create)
        {
            var written = trace.Last(e => e.Call is FsCall.Write or FsCall.Truncate && e.Path == name);
            if (written is not null && written.Index > entry.Index && SyncOf(name, written.Index) is null)
                Fail($"{name} is written (#{written.Index}) and never fsynced after", entry.Index, written.Index + 5);
            return;
        }
        var source = entry.Path;
        var born = trace.Last(e => (e.Call == FsCall.Create && e.Path == source) || (e.Call is FsCall.Rename or FsCall.Link && e.Target == source), entry.Index);
        var lastWrite = trace.Between(born?.Index ?? -1, entry.Index, e => e.Call is FsCall.Write or FsCall.Truncate && e.Path == source).LastOrDefault();
        if (lastWrite is not null)
        {
            if (!trace.Between(lastWrite.Index, entry.Index, e => IsSyncOf(e, source)).Any())
                Fail($"{name}: its data, written to {source} (last at #{lastWrite.Index}), is not fsynced before the {entry.Call.ToString().ToLowerInvariant()} (#{entry.Index})", lastWrite.Index - 2, entry.Index + 2);
            return;
        }
        var dirSync = SyncOf(Directory(name), entry.Index);
        if (!trace.Between(born?.Index ?? -1, dirSync?.Index ?? int.MaxValue, e => IsSyncOf(e, source) || (e.Index > entry.Index && IsSyncOf(e, name))).Any())
            Fail($"{name}: moved from {source} (#{entry.Index}), its data is never fsynced before its directory is", (born?.Index ?? entry.Index) - 2, (dirSync?.Index ?? entry.Index) + 2);
    }

    /// <summary>
    /// The name <paramref name="entry"/> made is durable before each of <paramref name="before"/>: its
    /// directory is fsynced after it, and so is the parent of every directory created on its way.
    /// </summary>
    public void NameSynced(FsEvent entry, params FsEvent?[] before)
    {
        var limit = Earliest(before);
        RequireSync(Directory(entry.Name), entry.Index, limit, $"the new name {entry.Name} (#{entry.Index})");
        for (var dir = Directory(entry.Name); dir.StartsWith(trace.Root + "/", StringComparison.Ordinal); dir = Directory(dir))
        {
            if (trace.Last(e => e.Call == FsCall.Mkdir && e.Path == dir, entry.Index) is { } made)
                RequireSync(Directory(dir), made.Index, limit, $"the new directory {dir} (#{made.Index}) holding {entry.Name}");
        }
    }

    /// <summary>Every write (or truncation) of <paramref name="path"/> is fsynced after it, before each of <paramref name="before"/> that follows it.</summary>
    public void WritesSynced(string path, params FsEvent?[] before)
    {
        var writes = trace.Events.Where(e => e.Call is FsCall.Write or FsCall.Truncate && e.Path == path).ToList();
        foreach (var write in writes)
        {
            var sync = SyncOf(path, write.Index);
            if (sync is null)
                Fail($"{path} is written (#{write.Index}) and never fsynced after", write.Index - 2, write.Index + 10);
            foreach (var step in before.OfType<FsEvent>().Where(b => b.Index > write.Index && b.Index < sync.Index))
                Fail($"{path}: the write #{write.Index} is not fsynced before #{step.Index} ({step.Call} {step.Name})", write.Index - 2, sync.Index + 1);
        }
    }

    /// <summary>The removal <paramref name="removal"/> (unlink, or rename away) is made durable by an fsync of its directory, before each of <paramref name="before"/>.</summary>
    public void RemovalSynced(FsEvent removal, params FsEvent?[] before) =>
        RequireSync(Directory(removal.Path), removal.Index, Earliest(before), $"the removal of {removal.Path} (#{removal.Index})");

    /// <summary>The directory <paramref name="directory"/> is fsynced after event index <paramref name="after"/> and before each of <paramref name="before"/>.</summary>
    public void DirectorySynced(string directory, int after, params FsEvent?[] before) =>
        RequireSync(directory, after, Earliest(before), $"{directory} after #{after}");

    /// <summary><paramref name="first"/> exists and completes before <paramref name="then"/> (when there is one).</summary>
    public void Ordered(FsEvent? first, FsEvent? then, string why)
    {
        if (first is null)
            Fail($"{why}: missing step before #{then?.Index}", (then?.Index ?? 0) - 10, then?.Index ?? 10);
        if (then is not null && then.Index < first.Index)
            Fail($"{why}: #{then.Index} ({then.Call} {then.Name}) comes before #{first.Index} ({first.Call} {first.Name})", then.Index - 2, first.Index + 2);
    }

    /// <summary>The first fsync of <paramref name="path"/> (or syncfs) after event index <paramref name="after"/>.</summary>
    public FsEvent? SyncOf(string path, int after) => trace.Next(e => IsSyncOf(e, path), after);

    private void RequireSync(string directory, int after, int limit, string what)
    {
        var sync = SyncOf(directory, after);
        if (sync is null)
            Fail($"{what}: its directory {directory} is never fsynced after", after - 2, after + 15);
        if (sync.Index > limit)
            Fail($"{what}: its directory {directory} is fsynced only at #{sync.Index}, after #{limit} ({trace.Events[limit].Call} {trace.Events[limit].Name}) that depends on it", after - 2, sync.Index + 1);
    }

    private static bool IsSyncOf(FsEvent e, string path) => e.Call == FsCall.SyncFs || (e.Call == FsCall.Fsync && e.Path == path);

    private static int Earliest(FsEvent?[] steps) => steps.OfType<FsEvent>().Select(s => s.Index).DefaultIfEmpty(int.MaxValue).Min();

    private static string Directory(string path) => Path.GetDirectoryName(path)!;

    [DoesNotReturn]
    private void Fail(string message, int from, int to) =>
        throw new DurabilityViolation($"{message}\ntrace #{Math.Max(0, from)}..#{to}:\n{trace.Excerpt(from, to)}");
}
