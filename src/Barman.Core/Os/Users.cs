using System.Runtime.InteropServices;

namespace Barman.Core.Os;

/// <summary>Looks up OS users and drops root privileges to <c>barman_user</c> (Barman's <c>drop_privileges</c>).</summary>
internal static partial class Users
{
    public sealed record UserInfo(string Name, uint Uid, uint Gid, string Home);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getpwnam(string name);

    [LibraryImport("libc", SetLastError = true)]
    private static partial IntPtr getpwuid(uint uid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int initgroups(string user, uint group);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgid(uint gid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setuid(uint uid);

    public static UserInfo? Find(string name) => FromPasswd(getpwnam(name));

    public static UserInfo? Current() => FromPasswd(getpwuid(Posix.EffectiveUserId));

    private static UserInfo? FromPasswd(IntPtr pw)
    {
        if (pw == IntPtr.Zero)
            return null;
        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; char *pw_gecos; char *pw_dir; char *pw_shell; }
        var name = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(pw, 0)) ?? "";
        var uid = (uint)Marshal.ReadInt32(pw, 2 * IntPtr.Size);
        var gid = (uint)Marshal.ReadInt32(pw, (2 * IntPtr.Size) + 4);
        var home = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(pw, (3 * IntPtr.Size) + 8)) ?? "/";
        return new UserInfo(name, uid, gid, home);
    }

    /// <summary>Outcome of <see cref="DropPrivileges"/>.</summary>
    public enum DropResult
    {
        AlreadyThatUser,
        Dropped,
        UnknownUser,
        NotPermitted,
    }

    /// <summary>
    /// Becomes <paramref name="userName"/> when running as root: supplementary groups, gid, uid, then
    /// the user's HOME (<see cref="AdoptHome"/>). As anybody else it only checks that we already are
    /// that user, and HOME stays what the caller set (as in Barman).
    /// </summary>
    public static DropResult DropPrivileges(string userName)
    {
        var target = Find(userName);
        if (target is null)
            return DropResult.UnknownUser;
        var euid = Posix.EffectiveUserId;
        if (euid == target.Uid)
            return DropResult.AlreadyThatUser;
        if (euid != 0)
            return DropResult.NotPermitted;
        if (initgroups(target.Name, target.Gid) != 0 || setgid(target.Gid) != 0 || setuid(target.Uid) != 0)
            return DropResult.NotPermitted;
        AdoptHome(target);
        return DropResult.Dropped;
    }

    /// <summary>
    /// Sets the HOME environment variable of the whole process to <paramref name="user"/>'s home, as
    /// Barman's <c>drop_privileges</c> does. Process-wide on purpose: HOME is how everything acting as
    /// barman_user finds that user's files — Npgsql in this process reads <c>~/.pgpass</c> and
    /// <c>~/.postgresql/</c> through it, and every child inherits it: pg_receivewal (libpq's
    /// <c>~/.pgpass</c>), hook scripts, the verbs cron starts. Left as root's (or, under sudo, the
    /// caller's), they would look for another user's files. It happens once, before any verb runs;
    /// nothing in-process reads it to make a decision a parameter could carry.
    /// </summary>
    private static void AdoptHome(UserInfo user) => Environment.SetEnvironmentVariable("HOME", user.Home);
}
