using Barman.Core.Configuration;

namespace Barman.Core.Wal;

/// <summary>Which queue an archiver drains.</summary>
internal enum WalSourceKind
{
    /// <summary><c>streaming_wals_directory</c>, filled by pg_receivewal.</summary>
    Streaming,
    /// <summary><c>incoming_wals_directory</c>, filled by archive_command / put-wal.</summary>
    Incoming,
}

/// <summary>What each queue is for a server.</summary>
internal static class WalSourceKinds
{
    /// <summary>Barman's archiver name as printed: <c>streaming</c> or <c>file archival</c>.</summary>
    public static string ArchiverName(this WalSourceKind kind) => kind == WalSourceKind.Streaming ? "streaming" : "file archival";

    /// <summary>The directory the queue lives in.</summary>
    public static string Directory(this WalSourceKind kind, ServerConfig server) =>
        kind == WalSourceKind.Streaming ? server.StreamingWalsDirectory : server.IncomingWalsDirectory;

    /// <summary>Files archived per run (0: all).</summary>
    public static int BatchSize(this WalSourceKind kind, ServerConfig server) =>
        kind == WalSourceKind.Streaming ? server.StreamingArchiverBatchSize : server.ArchiverBatchSize;
}
