using Barman.Core.Configuration;

namespace Barman.Core.Cron;

/// <summary>Starts a barman verb for one server in the background and does not wait for it.</summary>
internal interface IBarmanChildLauncher
{
    /// <summary>Starts <c>barman -c &lt;config&gt; -q &lt;verb&gt; &lt;server&gt;</c>; returns the child's PID.</summary>
    /// <exception cref="IOException">the child could not be started.</exception>
    int Start(string verb, ServerConfig server);
}
