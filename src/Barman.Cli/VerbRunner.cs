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
    public ConsoleStreams Console => console;

    /// <summary>Which signal cancelled the run, for a verb that reacts to it (receive-wal); null when none is known.</summary>
    public ISignalSource? Signals => signals;

    public Task<int> RunAsync(
        ParseResult parse,
        Func<BarmanSession, CancellationToken, Task> body,
        CancellationToken cancellationToken,
        bool nagios = false) =>
        RunAsync(parse, async (session, token) =>
        {
            await body(session, token);
            return (int?)null;
        }, cancellationToken, nagios);

    /// <summary>As above, for a body that may impose the exit code (e.g. receive-wal's 143 after SIGTERM).</summary>
    public async Task<int> RunAsync(
        ParseResult parse,
        Func<BarmanSession, CancellationToken, Task<int?>> body,
        CancellationToken cancellationToken,
        bool nagios = false)
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

    /// <summary>Sets the action of <paramref name="command"/> to run <paramref name="body"/> in a session.</summary>
    public Command Bind(Command command, Func<ParseResult, BarmanSession, CancellationToken, Task> body)
    {
        command.SetAction((parse, ct) => RunAsync(parse, (session, token) => body(parse, session, token), ct));
        return command;
    }
}
