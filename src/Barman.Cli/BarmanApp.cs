using System.CommandLine;
using System.CommandLine.Help;
using Barman.Cli.Commands;
using Barman.Core.Os;
using Barman.Core;

namespace Barman.Cli;

/// <summary>The command tree and the way every verb runs. Tests call <see cref="RunAsync"/> in-process.</summary>
internal static class BarmanApp
{
    /// <param name="args">The command line.</param>
    /// <param name="console">Where the run writes.</param>
    /// <param name="cancellationToken">Cancelled by a signal (or by the caller).</param>
    /// <param name="signals">Which signal cancelled <paramref name="cancellationToken"/>; null when none is known.</param>
    public static async Task<int> RunAsync(string[] args, ConsoleStreams console, CancellationToken cancellationToken = default, ISignalSource? signals = null)
    {
        var globals = new GlobalOptionSet();
        var root = BuildRoot(globals, console, signals);
        var parse = root.Parse(args);

        if (parse.GetValue(globals.Version))
        {
            console.Out.Write(VersionInfo.Banner + "\n");
            return 0;
        }
        var helpOption = parse.Action is ArgparseHelpAction { ClearsParseErrors: true };
        if (!helpOption && CommandLineErrors.Find(root, parse) is { } error)
        {
            console.Error.Write(error);
            return 2;
        }
        if (parse.CommandResult.Command == root && !helpOption)
        {
            // Barman without a verb prints its help.
            console.Out.Write(ArgparseText.Help(root));
            return 0;
        }
        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    internal static RootCommand BuildRoot(GlobalOptionSet globals, ConsoleStreams console, ISignalSource? signals)
    {
        var root = new RootCommand("barman: Barman-compatible WAL streaming and archiving for PostgreSQL");
        // Barman's -v/--version replaces System.CommandLine's own --version.
        foreach (var option in root.Options.Where(o => o is VersionOption).ToList())
            root.Options.Remove(option);
        foreach (var help in root.Options.OfType<HelpOption>())
            help.Action = new ArgparseHelpAction(console.Out);
        globals.AddTo(root);
        var runner = new VerbRunner(globals, console, signals);
        foreach (var command in Verbs(runner))
            root.Subcommands.Add(command);
        return root;
    }

    private static IEnumerable<Command> Verbs(VerbRunner runner) =>
    [
        ListServersCommand.Build(runner),
        CronCommand.Build(runner),
        ReceiveWalCommand.Build(runner),
        ShowServersCommand.Build(runner),
        ArchiveWalCommand.Build(runner),
        CheckCommand.Build(runner),
        StatusCommand.Build(runner),
        ReplicationStatusCommand.Build(runner),
        SwitchWalCommand.Build(runner),
        VerifyWalCommand.Build(runner),
        MetricsCommand.Build(runner),
        GetWalCommand.Build(runner), PutWalCommand.Build(runner), RebuildXlogdbCommand.Build(runner),
        new HelpVerb(runner.Out),
    ];
}
