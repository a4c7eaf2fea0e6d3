using Barman.Core.Os;

namespace Barman.Core;

/// <summary>Where a run writes: the process's console, or captured writers in tests.</summary>
internal sealed record ConsoleStreams(TextWriter Out, TextWriter Error, bool OutIsTerminal = false, bool ErrorIsTerminal = false)
{
    /// <summary>
    /// The binary standard output under <see cref="Out"/> (get-wal's WAL bytes); the process's file
    /// descriptor 1 by default, which get-wal can rewind (a regular file) or copy into in the kernel.
    /// </summary>
    public Func<Stream> OpenBinaryOut { get; init; } = () => new DescriptorStream(DescriptorStream.StandardOutput);

    /// <summary>The binary standard input (put-wal's tar stream); the process's by default.</summary>
    public Func<Stream> OpenBinaryIn { get; init; } = Console.OpenStandardInput;
}
