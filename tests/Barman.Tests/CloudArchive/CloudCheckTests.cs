using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.CloudArchive;

/// <summary>
/// check's archive items on an archive on a real object store (s3rver, Azurite): OK when the store is
/// healthy and the archive continuous; FAILED with the cause, within check_timeout, when the store
/// refuses connections or never answers.
/// </summary>
public abstract class CloudCheckTests(CloudTarget target)
{
    [Fact]
    public async Task A_healthy_store_and_a_continuous_archive_pass()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync("compression = lz4");
        foreach (var name in new[] { Seg(1, 0xFF), Seg(1, 0x100), "00000002.history", Seg(2, 0x101) })
            a.Put(a.Incoming, name, CloudArchive.Content(name));
        Assert.Equal(0, (await a.RunAsync("archive-wal", "pg")).ExitCode);

        var check = await a.RunAsync("check", "pg");

        Assert.Contains("\tarchive object store: OK\n", check.Out, StringComparison.Ordinal);
        Assert.Contains("\twal continuity: OK\n", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_port_fails_the_store_item_with_the_cause()
    {
        await using var a = await new CloudArchive(target).WriteConfigAsync("", new Uri($"http://127.0.0.1:{PgCluster.FreePort()}"));

        var check = await a.RunAsync("check", "pg");

        Assert.NotEqual(0, check.ExitCode);
        Assert.Contains($"\tarchive object store: FAILED ({a.StoreName}: ", check.Out, StringComparison.Ordinal);
        Assert.Contains("connection refused", check.Out, StringComparison.Ordinal);
        // the items that read the archive say nothing about a store they cannot reach
        Assert.DoesNotContain("wal continuity", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_never_answers_fails_within_check_timeout()
    {
        using var silent = new SilentServer();
        await using var a = await new CloudArchive(target).WriteConfigAsync("check_timeout = 3\naws_read_timeout = 120", silent.Endpoint);

        var clock = Stopwatch.StartNew();
        var check = await a.RunAsync("check", "pg");
        clock.Stop();

        Assert.NotEqual(0, check.ExitCode);
        Assert.Contains($"\tarchive object store: FAILED (", check.Out, StringComparison.Ordinal);
        Assert.Contains("no answer within check_timeout", check.Out, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"check took {clock.Elapsed}");
        Assert.True(silent.Accepted > 0, "the store was never asked");
    }

    /// <summary>A loopback port that accepts connections and never answers a byte.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _held = [];

        public SilentServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

        public int Accepted
        {
            get
            {
                lock (_held)
                    return _held.Count;
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            lock (_held)
            {
                foreach (var socket in _held)
                    socket.Dispose();
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    lock (_held)
                        _held.Add(socket);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}

[Collection(S3rverCollection.Name)]
public sealed class S3CheckTests(S3rverServer server) : CloudCheckTests(new S3Target(server));

[Collection(AzuriteCollection.Name)]
public sealed class AzureCheckTests(AzuriteServer server) : CloudCheckTests(new AzureTarget(server));
