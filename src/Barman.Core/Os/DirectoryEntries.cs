using System.IO.Enumeration;

namespace Barman.Core.Os;

/// <summary>A directory's names, read without any stat.</summary>
internal static class DirectoryEntries
{
    /// <summary>
    /// The names in <paramref name="directory"/>, sorted bytewise, each with whether it is a directory;
    /// empty when the directory does not exist. Only readdir's d_type is used: no stat per entry, so
    /// 100 000 files cost a listing, not 100 000 stats.
    /// </summary>
    /// <param name="includeHidden">false skips the names starting with a dot (Python's <c>glob('*')</c>)</param>
    public static List<(string Name, bool IsDirectory)> ReadSorted(string directory, bool includeHidden)
    {
        var options = new EnumerationOptions
        {
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            RecurseSubdirectories = false,
            ReturnSpecialDirectories = false,
        };
        List<(string, bool)> names;
        try
        {
            names = [.. new FileSystemEnumerable<(string, bool)>(directory, (ref FileSystemEntry e) => (e.FileName.ToString(), e.IsDirectory), options)
            {
                ShouldIncludePredicate = includeHidden ? null : (ref FileSystemEntry e) => !e.FileName.StartsWith('.'),
            }];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
        names.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return names;
    }
}
