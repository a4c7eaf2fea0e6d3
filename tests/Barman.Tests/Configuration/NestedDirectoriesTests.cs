using Barman.Core.Configuration;
using Barman.Tests.Infrastructure;
using static Barman.Tests.Configuration.ConfigFiles;

namespace Barman.Tests.Configuration;

/// <summary>
/// Directories nested in one another (of a server, or across servers) disable the servers concerned,
/// as equal ones do: otherwise archive-wal archives and deletes another directory's files, or moves a
/// whole directory to errors as an unknown file.
/// </summary>
public sealed class NestedDirectoriesTests
{
    private static readonly string[] Segments = ["000000010000000000000001", "000000010000000000000002", "000000010000000000000003"];

    private static string Config(TempDir dir, string server) =>
        dir.Write("barman.conf", $"""
            [barman]
            barman_home = {dir.Combine("home")}
            barman_user = {Environment.UserName}
            log_file = {dir.Combine("barman.log")}

            [p1]
            conninfo = host=127.0.0.1 port=1 user=postgres dbname=postgres
            backup_method = postgres
            streaming_archiver = on
            slot_name = p1
            {server}
            """);

    [Fact]
    public async Task Streaming_directory_inside_the_archive_is_refused_and_nothing_is_deleted()
    {
        using var dir = new TempDir();
        var wals = dir.Combine("home", "p1", "wals");
        var streaming = Path.Combine(wals, "0000000100000000");
        var config = Config(dir, $"streaming_wals_directory = {streaming}");
        Directory.CreateDirectory(streaming);
        foreach (var name in Segments.Append("000000010000000000000004.partial"))
            File.WriteAllText(Path.Combine(streaming, name), name);

        var show = await CliRunner.RunAsync("-c", config, "list-servers");
        Assert.Equal("p1 -  (WARNING: disabled)\n", show.Out);
        var message = $"Conflicting path: streaming_wals_directory={streaming} is inside 'wals_directory' ({wals}) for server 'p1'";
        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "p1");
        Assert.Equal((1, "", $"ERROR: {message}\n"), (r.ExitCode, r.Out, r.Err));
        var check = await CliRunner.RunAsync("-c", config, "check", "p1");
        Assert.Contains($"\t\t{message}\n", check.Out);

        Assert.Equal(Segments.Append("000000010000000000000004.partial"), Directory.GetFiles(streaming).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(wals, "xlog.db")));
    }

    [Fact]
    public async Task Archive_inside_the_streaming_directory_is_refused_and_stays_in_place()
    {
        using var dir = new TempDir();
        var streaming = dir.Combine("home", "p1", "streaming");
        var wals = Path.Combine(streaming, "wals");
        var config = Config(dir, $"wals_directory = {wals}");
        Directory.CreateDirectory(Path.Combine(wals, "0000000100000000"));
        File.WriteAllText(Path.Combine(wals, "0000000100000000", Segments[0]), "archived");
        File.WriteAllText(Path.Combine(wals, "xlog.db"), $"{Segments[0]}\t8\t1700000000.0\tNone\n");

        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "p1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.True(File.Exists(Path.Combine(wals, "0000000100000000", Segments[0])));
        Assert.False(Directory.Exists(dir.Combine("home", "p1", "errors")));
        var show = await CliRunner.RunAsync("-c", config, "show-servers", "p1");
        Assert.Contains($"Conflicting path: wals_directory={wals} is inside 'streaming_wals_directory' ({streaming}) for server 'p1'", show.Out);
    }

    [Theory]
    [InlineData(Ini)]
    [InlineData(Toml)]
    public void Directories_of_a_server_inside_a_directory_another_server_empties_disable_both(string format)
    {
        using var dir = new TempDir();
        var incoming = dir.Combine("a-incoming");
        var path = Write(dir, format,
            ("a", "conninfo", "host=x"), ("a", "backup_method", "postgres"), ("a", "archiver", "on"), ("a", "incoming_wals_directory", incoming),
            ("b", "conninfo", "host=x"), ("b", "backup_method", "postgres"), ("b", "archiver", "on"), ("b", "backup_directory", Path.Combine(incoming, "b")),
            ("c", "conninfo", "host=x"), ("c", "backup_method", "postgres"), ("c", "archiver", "on"));
        var config = ConfigLoader.Load(path);
        Assert.Empty(config.Errors);
        Assert.Equal(
            [$"Conflicting path: incoming_wals_directory={incoming} contains 'backup_directory' ({incoming}/b) for server 'b'"],
            config.Servers.Single(s => s.Name == "a").Messages);
        Assert.Equal(
            [$"Conflicting path: backup_directory={incoming}/b is inside 'incoming_wals_directory' ({incoming}) for server 'a'"],
            config.Servers.Single(s => s.Name == "b").Messages);
        Assert.Empty(config.Servers.Single(s => s.Name == "c").Messages);
    }

    [Fact]
    public void Nested_through_a_symlink_is_found_too()
    {
        using var dir = new TempDir();
        var wals = dir.Combine("home", "pg", "wals");
        Directory.CreateDirectory(wals);
        File.CreateSymbolicLink(dir.Combine("link"), wals);
        var path = Write(dir, Ini, ("pg", "conninfo", "host=x"), ("pg", "backup_method", "postgres"), ("pg", "archiver", "on"),
            ("pg", "errors_directory", dir.Combine("link", "errors")));
        Assert.Equal(
            [$"Conflicting path: errors_directory={dir.Combine("link", "errors")} (symlink to: {wals}/errors) is inside 'wals_directory' ({wals}) for server 'pg'"],
            ConfigLoader.Load(path).Servers.Single().Messages);
    }
}
