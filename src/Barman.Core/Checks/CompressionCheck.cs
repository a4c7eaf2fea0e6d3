namespace Barman.Core.Checks;

/// <summary><c>compression settings</c>: a known compression, and both filters for <c>custom</c>.</summary>
internal sealed class CompressionCheck : ICheckItem
{
    private static readonly string[] Known = ["gzip", "bzip2", "pigz", "pygzip", "pybzip2", "lz4", "zstd", "custom"];

    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        var ok = server.Compression switch
        {
            null or "" => true,
            "custom" => !string.IsNullOrEmpty(server.CustomCompressionFilter) && !string.IsNullOrEmpty(server.CustomDecompressionFilter),
            var name => Known.Contains(name),
        };
        context.Result("compression settings", ok);
        return Task.CompletedTask;
    }
}
