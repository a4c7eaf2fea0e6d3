namespace Barman.Core.Checks;

/// <summary><c>compression settings</c>: a known compression (<c>custom</c> is not supported: its filters are not read).</summary>
internal sealed class CompressionCheck : ICheckItem
{
    private static readonly string[] Known = ["gzip", "bzip2", "pigz", "pygzip", "pybzip2", "lz4", "zstd"];

    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        var ok = server.Compression switch
        {
            null or "" => true,
            var name => Known.Contains(name),
        };
        context.Result("compression settings", ok);
        return Task.CompletedTask;
    }
}
