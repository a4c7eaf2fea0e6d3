using System.Diagnostics;
using Barman.Core.Os;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ArchiveWal;

/// <summary>
/// A real cluster plus real WAL: pg_receivewal (the PostgreSQL 15 binary) streams through a slot
/// into <see cref="Captured"/> while WAL is generated and switched, then is stopped with SIGINT,
/// leaving complete 16 MiB segments and the current <c>.partial</c>.
/// </summary>
public sealed class StreamedWalFixture : PgCluster, IAsyncLifetime
{
    private readonly TempDir _dir = new("barman-streamed");

    public string Captured => _dir.Path;

    /// <summary>Complete segments streamed, in order.</summary>
    public IReadOnlyList<string> Segments { get; private set; } = [];

    /// <summary>The <c>.partial</c> pg_receivewal left.</summary>
    public string Partial { get; private set; } = "";

    public string ServerWalPath(string name) => Path.Combine(DataDirectory, "pg_wal", name);

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await ExecuteAsync("select pg_create_physical_replication_slot('barman_test', true)");
        var psi = new ProcessStartInfo(Path.Combine(BinDir, "pg_receivewal"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-h", Host, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "--slot=barman_test", "--no-loop", "--verbose", "-D", Captured })
            psi.ArgumentList.Add(a);
        using var receiver = Process.Start(psi)!;
        var stderr = receiver.StandardError.ReadToEndAsync();
        var closed = new List<string>();
        for (var i = 0; i < 4; i++)
            closed.Add(await GenerateWalAndSwitchAsync(rows: 30000));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // some WAL in the next segment too, so that pg_receivewal has a .partial open
        await ExecuteAsync("insert into barman_t select g, md5(g::text) from generate_series(1, 100) g");
        while (!closed.All(n => File.Exists(Path.Combine(Captured, n))) || Directory.GetFiles(Captured, "*.partial").Length == 0)
        {
            if (DateTime.UtcNow > deadline || receiver.HasExited)
                throw new InvalidOperationException($"pg_receivewal did not stream {string.Join(", ", closed)}: {(receiver.HasExited ? await stderr.Within("pg_receivewal's stderr") : "timeout")}");
            await Task.Delay(50);
        }
        Posix.Kill(receiver.Id, Posix.SIGINT);
        await receiver.ExitWithinAsync();
        if (receiver.ExitCode != 0)
            throw new InvalidOperationException($"pg_receivewal exited {receiver.ExitCode}: {await stderr.Within("pg_receivewal's stderr")}");
        var names = Directory.GetFiles(Captured).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Segments = [.. names.Where(n => n!.Length == 24)!];
        Partial = names.Single(n => n!.EndsWith(".partial", StringComparison.Ordinal))!;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        _dir.Dispose();
        await DisposeAsync();
    }

    /// <summary>Copies captured files into <paramref name="directory"/> (optionally under new names).</summary>
    public void CopyTo(string directory, IEnumerable<string> names, Func<string, string>? rename = null)
    {
        Directory.CreateDirectory(directory);
        foreach (var name in names)
            File.Copy(Path.Combine(Captured, name), Path.Combine(directory, rename?.Invoke(name) ?? name));
    }
}
