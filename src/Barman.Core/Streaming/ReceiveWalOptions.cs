namespace Barman.Core.Streaming;

/// <summary>The flags of <c>barman receive-wal</c>.</summary>
internal sealed record ReceiveWalOptions
{
    public bool Stop { get; init; }
    public bool Reset { get; init; }
    public bool CreateSlot { get; init; }
    public bool IfNotExists { get; init; }
    public bool DropSlot { get; init; }
    public bool Background { get; init; }

    /// <summary>Barman's <c>get_server(skip_inactive=…)</c>: only plain streaming skips an inactive server.</summary>
    public bool SkipsInactiveServer => !(CreateSlot || DropSlot || Stop || Reset);
}
