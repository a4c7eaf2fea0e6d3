using Barman.Core.Configuration;
using Barman.Core.Listing;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Barman.Core;

/// <summary>
/// One barman invocation after the global options were parsed: Barman's start-up sequence
/// (config, privileges, logging, writer, included files, validation) and server lookup.
/// </summary>
internal sealed class BarmanSession : IDisposable
{
    private readonly Logger? _logger;

    private BarmanSession(BarmanConfig config, IOutput output, Logger? logger)
    {
        Config = config;
        Output = output;
        _logger = logger;
    }

    public BarmanConfig Config { get; }
    public IOutput Output { get; }

    /// <summary>Runs the start-up sequence; on failure prints the message and returns the exit code.</summary>
    public static (BarmanSession? Session, int ExitCode) Open(GlobalOptions options, ConsoleStreams console)
    {
        var color = options.Color switch
        {
            "always" => true,
            "never" => false,
            _ => console.OutIsTerminal && console.ErrorIsTerminal,
        };
        var outputOptions = new OutputOptions(options.Quiet, options.Debug, color);
        BarmanConfig config;
        try
        {
            var home = Environment.GetEnvironmentVariable("HOME") ?? "/";
            var path = ConfigLocator.Locate(options.ConfigFile, Environment.GetEnvironmentVariable("BARMAN_CONFIG_FILE"), home);
            config = ConfigLoader.Load(path);
        }
        catch (ConfigurationException e)
        {
            console.Error.Write(e.Prefix + e.Message + "\n");
            return (null, 1);
        }

        var drop = Users.DropPrivileges(config.Global.BarmanUser);
        if (drop == Users.DropResult.UnknownUser)
        {
            console.Error.Write($"ERROR: the configured user '{config.Global.BarmanUser}' does not exists\n");
            return (null, 1);
        }
        if (drop == Users.DropResult.NotPermitted)
        {
            console.Error.Write($"ERROR: please run barman as '{config.Global.BarmanUser}' user\n");
            return (null, 1);
        }

        var (logger, logWarning) = CreateLogger(config.Global, options, console.Error);
        BarmanLog.Current = logger;
        foreach (var message in config.LogMessages)
            BarmanLog.For("barman.config").Write(message.Level, "{Message:l}", message.Message);

        IOutput output = options.Nagios ? new NagiosOutput(console.Out, outputOptions)
            : options.Format == "json" ? new JsonOutput(console.Out, console.Error, outputOptions)
            : new ConsoleOutput(console.Out, console.Error, outputOptions);
        if (logWarning is not null)
            output.Warning(logWarning);

        BarmanLog.For("barman.cli").Debug("Initialised barman {Version:l} (config: {Config:l})", VersionInfo.Version, config.Global.ConfigFile);
        foreach (var warning in config.Warnings)
            output.Warning(warning);
        if (config.Errors.Count > 0)
        {
            foreach (var error in config.Errors)
                output.Error(error);
            var code = output.Close();
            logger.Dispose();
            return (null, code);
        }
        return (new BarmanSession(config, output, logger), 0);
    }

    private static (Logger Logger, string? Warning) CreateLogger(GlobalConfig global, GlobalOptions options, TextWriter stderr)
    {
        var levelName = options.LogLevel ?? global.LogLevel;
        var level = LogLevels.Parse(levelName);
        string? warning = null;
        if (level is null)
        {
            warning = $"unknown log_level in config file: {levelName}";
            level = LogEventLevel.Information;
        }
        var formatter = new BarmanLogFormatter();
        var configuration = new LoggerConfiguration().MinimumLevel.Is(level.Value);
        if (!string.IsNullOrEmpty(global.LogFile))
        {
            try
            {
                configuration = configuration.WriteTo.Sink(new WatchedFileSink(global.LogFile, formatter));
                return (configuration.CreateLogger(), warning);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warning ??= "Failed opening the requested log file. Using standard error instead.";
            }
        }
        configuration = configuration.WriteTo.Sink(new TextWriterSink(stderr, formatter));
        return (configuration.CreateLogger(), warning);
    }

    /// <summary>The one server a single-server verb works on, or null after printing why not (<see cref="ServerSelection.Single"/>).</summary>
    public ServerConfig? GetServer(string name, bool skipInactive = true) => ServerSelection.Single(Config, Output, name, skipInactive);

    /// <summary>The servers a multi-server verb works on (<see cref="ServerSelection.Select"/>).</summary>
    public IReadOnlyList<ServerConfig> GetServers(IReadOnlyList<string> names, ServerSelectionMode mode) =>
        ServerSelection.Select(Config, Output, names, mode);

    public void Dispose() => _logger?.Dispose();
}
