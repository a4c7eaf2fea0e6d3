namespace Barman.Core.Output;

/// <summary>How the operator asked for output: <c>-q</c>, <c>-d</c>, <c>--color</c>.</summary>
internal sealed record OutputOptions(bool Quiet = false, bool Debug = false, bool Color = false);
