namespace Barman.Core.Streaming;

/// <summary>
/// Barman's <c>ArchiverFailure</c>: receive-wal prints it as <c>ERROR: ArchiverFailure:&lt;message&gt;</c>
/// (class name and colon included, no space). <see cref="Transient"/> marks conditions a
/// self-healing restart may wait out (server restarting, slot still held by a dying walsender).
/// </summary>
internal sealed class ArchiverFailure(string message, bool transient = false) : Exception(message)
{
    public bool Transient { get; } = transient;

    /// <summary>The text Barman prints after <c>ERROR: </c>.</summary>
    public string Display => "ArchiverFailure:" + Message;
}
