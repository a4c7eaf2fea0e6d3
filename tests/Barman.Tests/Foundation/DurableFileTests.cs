using Barman.Core.Os;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Foundation;

public sealed class DurableFileTests
{
    [Fact]
    public void Write_all_bytes_replaces_atomically_and_leaves_no_temp()
    {
        using var dir = new TempDir();
        var path = dir.Combine("identity.json");
        DurableFile.WriteAllBytes(path, "one"u8);
        DurableFile.WriteAllBytes(path, "two"u8);
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Create_directory_durably_makes_parents()
    {
        using var dir = new TempDir();
        var nested = dir.Combine("a", "b", "c");
        DurableFile.CreateDirectoryDurably(nested);
        Assert.True(Directory.Exists(nested));
        DurableFile.FsyncDirectory(nested);
    }

    [Fact]
    public void Fsync_of_a_missing_directory_names_it()
    {
        var e = Assert.Throws<IOException>(() => DurableFile.FsyncDirectory("/nonexistent/dir"));
        Assert.Contains("/nonexistent/dir", e.Message);
    }
}
