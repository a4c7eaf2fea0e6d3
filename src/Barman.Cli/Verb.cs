using System.CommandLine;

namespace Barman.Cli;

/// <summary>One exit code of a verb and when it happens, for its <c>--help</c>.</summary>
internal sealed record ExitCode(int Code, string Meaning);

/// <summary>
/// A verb of the command tree: a command whose <c>--help</c> ends with examples and its exit codes
/// (<see cref="ArgparseText.Help"/>).
/// </summary>
internal sealed class Verb(string name, string description) : Command(name, description)
{
    /// <summary>Command lines shown under <c>examples:</c>, each a complete <c>barman …</c> line.</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>The verb's own exit codes; <see cref="CommandLineError"/> (2) is added to every verb.</summary>
    public IReadOnlyList<ExitCode> ExitCodes { get; init; } = [];

    /// <summary>What every verb exits with on a command-line error.</summary>
    public static readonly ExitCode CommandLineError = new(2, "command-line error (unknown option, missing or invalid argument)");
}
