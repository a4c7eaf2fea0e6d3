using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Barman.Core.Logging;

/// <summary>
/// Appends to a log file and reopens it when logrotate moved or removed it, like Python's
/// <c>WatchedFileHandler</c> (Serilog's file sink keeps writing to the moved file). The file is
/// <see cref="Os.FileModes.LogFile"/> (0640) whatever the umask; a missing directory is created 0700.
/// </summary>
internal sealed class WatchedFileSink : ILogEventSink, IDisposable
{
    private readonly string _path;
    private readonly ITextFormatter _formatter;
    private readonly Lock _gate = new();
    private readonly StringWriter _buffer = new() { NewLine = "\n" };
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _handle;
    private (long Device, long Inode) _identity;

    public WatchedFileSink(string path, ITextFormatter formatter)
    {
        _path = Path.GetFullPath(path);
        _formatter = formatter;
        var dir = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(dir))
            Os.DurableFile.CreateDirectoryDurably(dir);
        Open();
    }

    /// <summary>Opens (or creates) the log: 0640 whatever the umask, a wider existing mode narrowed.</summary>
    private void Open()
    {
        _handle = Os.Posix.OpenForAppend(_path, Os.FileModes.LogFile);
        _identity = Os.Posix.FileIdentity(_path) ?? default;
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            var now = Os.Posix.FileIdentity(_path);
            if (now is null || now.Value != _identity)
            {
                _handle?.Dispose();
                Open();
            }
            // One write per event on an O_APPEND descriptor: lines of concurrent barman processes
            // (cron's children) interleave whole, never overwrite each other.
            _buffer.GetStringBuilder().Clear();
            _formatter.Format(logEvent, _buffer);
            RandomAccess.Write(_handle!, Encoding.UTF8.GetBytes(_buffer.ToString()), 0);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _handle?.Dispose();
            _handle = null;
        }
    }
}
