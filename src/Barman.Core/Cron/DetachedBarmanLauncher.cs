using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;

namespace Barman.Core.Cron;

/// <summary>
/// Barman's <c>BarmanSubProcess</c>: the same executable with <c>-c &lt;the config file actually
/// loaded&gt; -q &lt;verb&gt; &lt;server&gt;</c>, in its own session so that it outlives cron, its
/// terminal and its process group; stdio on /dev/null unless <paramref name="keepDescriptors"/>.
/// </summary>
internal sealed class DetachedBarmanLauncher(string configFile, bool keepDescriptors) : IBarmanChildLauncher
{
    private readonly Serilog.ILogger _log = BarmanLog.For("barman.command_wrappers");

    /// <summary>Name of the entry assembly of the real CLI (the <c>barman</c> executable).</summary>
    public const string BarmanAssemblyName = "barman";

    public int Start(string verb, ServerConfig server)
    {
        // In-process runs (the test host) would re-run the host itself with barman's arguments.
        if (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name != BarmanAssemblyName)
            throw new InvalidOperationException($"cannot start {verb}: this process is not the barman executable");
        var argv = DetachedProcess.BarmanArgv(configFile, verb, server.Name);
        _log.Debug("BarmanSubProcess: {Argv:l}", string.Join(' ', argv));
        var pid = DetachedProcess.Spawn(argv, new DetachedOptions { KeepDescriptors = keepDescriptors });
        _log.Debug("BarmanSubProcess: subprocess started. pid: {Pid}", pid);
        return pid;
    }
}
