namespace Barman.Core;

/// <summary>Where a run writes: the process's console, or captured writers in tests.</summary>
internal sealed record ConsoleStreams(TextWriter Out, TextWriter Error, bool OutIsTerminal = false, bool ErrorIsTerminal = false);
