namespace Barman.Tests.Infrastructure;

/// <summary>A temporary directory removed at dispose, with every process still naming it (see <see cref="TestProcesses"/>).</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "barman-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
        TestProcesses.Track(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Write(string relative, string contents)
    {
        var full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, contents);
        return full;
    }

    /// <summary>Copies a directory tree (files with their modes) to <paramref name="relative"/> in this directory.</summary>
    public void CopyTree(string source, string relative)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Combine(relative, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
            File.SetUnixFileMode(destination, File.GetUnixFileMode(file));
        }
    }

    public void Dispose()
    {
        TestProcesses.KillAllMentioning(Path + "/");
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }
}
