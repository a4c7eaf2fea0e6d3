using System.CommandLine;
using Barman.Core;
using Barman.Core.Logging;
using Barman.Core.Os;

namespace Barman.Cli;

/// <summary>
/// Runs one verb the way Barman's <c>cli.main</c> does: open the session (config, privileges,
/// logging, writer), run the body, turn any unexpected exception into <c>EXCEPTION: …</c>, exit code.
/// </summary>
internal sealed class VerbRunner(GlobalOptionSet globals, ConsoleStreams console, ISignalSource? signals)
{
    /// <summary>Which signal cancelled the run, for a verb that reacts to it (receive-wal); null when none is known.</summary>
    public ISignalSource? Signals => signals;

    /// <summary>Where help goes (stdout).</summary>
    public TextWriter Out => console.Out;

    /// <summary>Sets the action of <paramref name="command"/> to run <paramref name="body"/> in a session.</summary>
    /// <param name="nagios">the verb's <c>--nagios</c> flag: when set, the Nagios writer replaces the format's.</param>
    public Command Bind(Command command, Func<ParseResult, BarmanSession, CancellationToken, Task> body, Option<bool>? nagios = null) =>
        Bind(command, async (parse, session, token) =>
        {
            await body(parse, session, token);
            return (int?)null;
        }, nagios);

    /// <summary>As above, for a body that may impose the exit code (e.g. receive-wal's 143 after SIGTERM).</summary>
    public Command Bind(Command command, Func<ParseResult, BarmanSession, CancellationToken, Task<int?>> body, Option<bool>? nagios = null)
    {
        command.SetAction((parse, ct) => RunAsync(parse, (session, token) => body(parse, session, token), nagios is not null && parse.GetValue(nagios), ct));
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, Func<BarmanSession, CancellationToken, Task<int?>> body, bool nagios, CancellationToken cancellationToken)
    {
        var (session, exitCode) = BarmanSession.Open(globals.Read(parse, nagios), console);
        if (session is null)
            return exitCode;
        using (session)
        {
            int? exitOverride = null;
            try
            {
                exitOverride = await body(session, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                session.Output.Error("Process interrupted by user (KeyboardInterrupt)");
            }
            catch (Exception e)
            {
                BarmanLog.For("barman.cli").Error(e, "{Message:l}", e.Message);
                session.Output.Exception($"{e.Message}\nSee log file for more details.");
            }
            var code = session.Output.Close();
            if (exitOverride is { } forced)
                code = forced;
            await console.Out.FlushAsync(CancellationToken.None);
            await console.Error.FlushAsync(CancellationToken.None);
            return code;
        }
    }
}
