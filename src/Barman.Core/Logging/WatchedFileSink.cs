using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Barman.Core.Logging;

/// <summary>
/// Appends to a log file and reopens it when logrotate moved or removed it, like Python's
/// <c>WatchedFileHandler</c> (Serilog's file sink keeps writing to the moved file).
/// </summary>
public sealed class WatchedFileSink : ILogEventSink, IDisposable
{
    private readonly string _path;
    private readonly ITextFormatter _formatter;
    private readonly Lock _gate = new();
    private FileStream? _stream;
    private StreamWriter? _writer;
    private (long Device, long Inode) _identity;

    public WatchedFileSink(string path, ITextFormatter formatter)
    {
        _path = Path.GetFullPath(path);
        _formatter = formatter;
        var dir = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(dir))
            Directory.CreateDirectory(dir);
        Open();
    }

    private void Open()
    {
        _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _writer = new StreamWriter(_stream, new UTF8Encoding(false)) { AutoFlush = false };
        _identity = Os.Posix.FileIdentity(_path) ?? default;
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            var now = Os.Posix.FileIdentity(_path);
            if (now is null || now.Value != _identity)
            {
                _writer?.Dispose();
                Open();
            }
            _formatter.Format(logEvent, _writer!);
            _writer!.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }
}
