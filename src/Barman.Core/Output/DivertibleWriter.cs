using System.Text;

namespace Barman.Core.Output;

/// <summary>
/// Standard output as the writers see it: text goes to the real stdout until a verb claims stdout
/// for binary data (get-wal's WAL), and from then on to the fallback (stderr), so that no message,
/// not even a JSON document written at close, can ever be mixed into the data.
/// </summary>
internal sealed class DivertibleWriter : TextWriter
{
    private readonly TextWriter _target;
    private readonly TextWriter _fallback;
    private volatile TextWriter _current;

    public DivertibleWriter(TextWriter target, TextWriter fallback)
    {
        _target = target;
        _fallback = fallback;
        _current = target;
    }

    public override Encoding Encoding => _target.Encoding;

    /// <summary>Flushes what was written so far to the real stdout and sends every later write to the fallback.</summary>
    public void Divert()
    {
        _target.Flush();
        _current = _fallback;
    }

    public override void Write(char value) => _current.Write(value);
    public override void Write(string? value) => _current.Write(value);
    public override void Write(char[] buffer, int index, int count) => _current.Write(buffer, index, count);
    public override void Write(ReadOnlySpan<char> buffer) => _current.Write(buffer);
    public override void Flush() => _current.Flush();
    public override Task FlushAsync() => _current.FlushAsync();
    public override Task FlushAsync(CancellationToken cancellationToken) => _current.FlushAsync(cancellationToken);
}
