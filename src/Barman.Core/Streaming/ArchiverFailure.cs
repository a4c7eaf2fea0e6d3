namespace Barman.Core.Streaming;

/// <summary>
/// Barman's <c>ArchiverFailure</c>: receive-wal prints it as <c>ERROR: ArchiverFailure:&lt;message&gt;</c>
/// (class name and colon included, no space). <see cref="Transient"/> marks conditions a
/// self-healing restart may wait out (server restarting, slot still held by a dying walsender).
/// </summary>
internal sealed class ArchiverFailure(string message, bool transient = false) : Exception(message)
{
    public bool Transient { get; } = transient;

    /// <summary>The underlying cause (pg_receivewal's last error line, the connection error), kept for check's hint; not printed.</summary>
    public string? Detail { get; init; }

    /// <summary>What receive-wal records for check: <see cref="Display"/> and, when known, its cause.</summary>
    public string Recorded => Detail is null ? Display : $"{Display} ({Detail})";

    /// <summary>The text Barman prints after <c>ERROR: </c>.</summary>
    public string Display => "ArchiverFailure:" + Message;
}
