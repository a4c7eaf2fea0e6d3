using System.CommandLine;
using System.CommandLine.Invocation;

namespace Barman.Cli;

/// <summary>
/// <c>-h</c>/<c>--help</c> (and the <c>help</c> verb): argparse's help of the command, on stdout, exit 0.
/// As an option it wins over every other error of the command line, as argparse's does.
/// </summary>
internal sealed class ArgparseHelpAction(TextWriter output, bool isOption = true) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => isOption;

    public override int Invoke(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        output.Write(ArgparseText.Help(command is HelpVerb ? parseResult.RootCommandResult.Command : command));
        output.Flush();
        return 0;
    }
}

/// <summary>Barman's <c>help</c> verb: the program's help.</summary>
internal sealed class HelpVerb : Command
{
    public HelpVerb(TextWriter output)
        : base("help", "show this help message and exit")
    {
        Action = new ArgparseHelpAction(output, isOption: false);
    }
}
