using System.CommandLine;
using Barman.Core;
using Barman.Core.Logging;

namespace Barman.Cli;

/// <summary>Barman's global options; they come before the verb.</summary>
internal sealed class GlobalOptionSet
{
    public Option<bool> Version { get; } = new("--version", "-v") { Description = "show program's version number and exit" };
    public Option<string?> Config { get; } = new("--config", "-c") { Description = "uses a configuration file (defaults: $BARMAN_CONFIG_FILE, then ~/.barman.toml, ~/.barman.conf, /etc/barman.toml, /etc/barman.conf, /etc/barman/barman.toml, /etc/barman/barman.conf)", HelpName = "CONFIG" };
    public Option<string> Color { get; } = new Option<string>("--color", "--colour") { Description = "whether to use colors in the output", DefaultValueFactory = _ => "auto" }.OneOf("never", "always", "auto");
    public Option<string?> LogLevel { get; } = new Option<string?>("--log-level") { Description = "override the default log level" }.OneOf([.. LogLevels.Names]);
    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "be quiet" };
    public Option<bool> Debug { get; } = new("--debug", "-d") { Description = "debug output" };
    public Option<string> Format { get; } = new Option<string>("--format", "-f") { Description = "output format", DefaultValueFactory = _ => "console" }.OneOf("console", "json");

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Version);
        root.Options.Add(Config);
        root.Options.Add(Color);
        root.Options.Add(LogLevel);
        root.Options.Add(Quiet);
        root.Options.Add(Debug);
        root.Options.Add(Format);
    }

    public GlobalOptions Read(ParseResult parse, bool nagios = false) => new()
    {
        ConfigFile = parse.GetValue(Config),
        Color = parse.GetValue(Color) ?? "auto",
        LogLevel = parse.GetValue(LogLevel),
        Quiet = parse.GetValue(Quiet),
        Debug = parse.GetValue(Debug),
        Format = parse.GetValue(Format) ?? "console",
        Nagios = nagios,
    };
}
