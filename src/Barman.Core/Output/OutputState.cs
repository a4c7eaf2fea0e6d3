namespace Barman.Core.Output;

/// <summary>State shared by a writer and its logger views.</summary>
internal sealed class OutputState
{
    public bool ErrorOccurred;
    public int ErrorExitCode = 1;
}
