using Barman.Core.Wal;
using Barman.Tests.ArchiveWal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Wal.Format;

/// <summary>archive-wal refuses what is not this cluster's WAL (real WAL of a promoted standby), keeping its bytes in errors/.</summary>
[Collection(WalTimelineCollection.Name)]
public sealed class ArchiveValidationTests(WalTimelineFixture wal)
{
    private static async Task<CliResult> ArchiveAsync(ArchiveHarness h) =>
        await CliRunner.RunAsync("-c", h.WriteConfig("archiver = on"), "archive-wal", "pg");

    private static string Corrupt(ArchiveHarness h) =>
        Assert.Single(Directory.GetFiles(h.Server.ErrorsDirectory), p => p.EndsWith(".corrupt", StringComparison.Ordinal));

    [Fact]
    public async Task Learns_the_system_identifier_then_refuses_another_clusters_segment()
    {
        using var h = new ArchiveHarness();
        var (first, second) = (wal.Timeline1Segments[0], wal.Timeline1Segments[1]);
        wal.CopyTo(h.Incoming, [first]);
        var r = await ArchiveAsync(h);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(wal.SystemIdentifier.ToString(System.Globalization.CultureInfo.InvariantCulture), ServerIdentity.Read(h.Server)!.SystemId);

        await File.WriteAllTextAsync(ServerIdentity.PathFor(h.Server), "{\n    \"systemid\": \"1234\",\n    \"version\": \"15\"\n}\n");
        wal.CopyTo(h.Incoming, [second]);
        r = await ArchiveAsync(h);

        Assert.Equal(1, r.ExitCode);
        var reason = $"WAL file is from a different database system: system identifier {wal.SystemIdentifier}, expected 1234";
        Assert.Contains($"\tError: {second} is not WAL of server pg: {reason}. File moved to errors directory.\n", r.Out, StringComparison.Ordinal);
        Assert.StartsWith($"ERROR: {second} refused by archive-wal of server pg: {reason} (kept as {h.Server.ErrorsDirectory}/{second}.", r.Err, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(wal.Path(second)), await File.ReadAllBytesAsync(Corrupt(h)));
        Assert.Equal([first], h.XlogdbNames());
        Assert.False(File.Exists(h.ArchivePath(second)));
        var check = await CliRunner.RunAsync("-c", h.Global.ConfigFile, "check", "pg");
        Assert.Contains("\tarchiver errors: FAILED (corrupt: 1)\n", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_random_bytes_under_a_wal_name_and_a_malformed_history_file()
    {
        using var h = new ArchiveHarness();
        var name = wal.Timeline1Segments[0];
        var random = new byte[16 << 20];
        new Random(12).NextBytes(random);
        Directory.CreateDirectory(h.Incoming);
        await File.WriteAllBytesAsync(Path.Combine(h.Incoming, name), random);

        var r = await ArchiveAsync(h);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.True(r.Out.Contains($"\tError: {name} is not WAL of server pg: invalid magic number ", StringComparison.Ordinal), r.ToString());
        Assert.Equal(random, await File.ReadAllBytesAsync(Corrupt(h)));
        Assert.Empty(h.XlogdbNames());

        await File.WriteAllTextAsync(Path.Combine(h.Incoming, "00000003.history"), "not a history\n");
        r = await ArchiveAsync(h);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("\tError: 00000003.history is not WAL of server pg: invalid history file: ", r.Out, StringComparison.Ordinal);
        Assert.Empty(h.XlogdbNames());
    }

    [Fact]
    public async Task Never_refuses_the_wal_of_a_timeline_switch()
    {
        using var h = new ArchiveHarness();
        wal.CopyTo(h.Incoming, wal.Files);

        var r = await ArchiveAsync(h);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(wal.Files.Order(StringComparer.Ordinal), h.XlogdbNames().Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(h.Server.ErrorsDirectory) && Directory.EnumerateFileSystemEntries(h.Server.ErrorsDirectory).Any());
    }
}
