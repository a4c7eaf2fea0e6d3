using Barman.Core.Configuration;
using Barman.Core.Listing;
using Barman.Core.Output;
using Barman.Tests.Configuration;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Listing;

/// <summary>
/// Which servers each kind of verb selects, and what it prints on the way (one writer for stdout
/// and stderr, so the order of the lines is checked too).
/// </summary>
public sealed class ServerSelectionTests
{
    private static BarmanConfig Config()
    {
        using var dir = new TempDir("barman-selection");
        return ConfigLoader.Load(ConfigFiles.Write(dir, ConfigFiles.Ini,
            ("a", "conninfo", "host=x"), ("a", "backup_method", "postgres"), ("a", "archiver", "on"),
            ("off", "active", "false"), ("off", "conninfo", "host=x"), ("off", "backup_method", "postgres"), ("off", "archiver", "on"),
            ("bad", "conninfo", "host=x"), ("bad", "archiver", "on")));
    }

    private static (string Names, string Lines) Select(ServerSelectionMode mode, params string[] names)
    {
        using var lines = new StringWriter();
        var output = new ConsoleOutput(lines, lines, new OutputOptions());
        var selected = ServerSelection.Select(Config(), output, names, mode);
        return (string.Join(",", selected.Select(s => s.Name)), lines.ToString());
    }

    private const string BadMessage = "ERROR: Missing or invalid ssh_command in barman configuration for server bad\n";

    [Fact]
    public void Check_selects_every_named_server_sorted_once_and_reports_unknown_ones()
    {
        Assert.Equal(("a,bad,off", "ERROR: Unknown server 'nope'\n"), Select(ServerSelectionMode.Every, "off", "nope", "bad", "a", "off"));
        Assert.Equal(("a,bad,off", "ERROR: You cannot use 'all' with other server names\n"), Select(ServerSelectionMode.Every, "a", "all"));
    }

    [Fact]
    public void Operational_verbs_skip_inactive_servers_first_and_report_disabled_ones()
    {
        Assert.Equal(("a", "Skipping inactive server 'off'\n" + BadMessage + "ERROR: Unknown server 'nope'\n"),
            Select(ServerSelectionMode.Operational, "off", "nope", "bad", "a"));
        Assert.Equal(("a", "ERROR: You cannot use 'all' with other server names\nSkipping inactive server 'off'\n" + BadMessage),
            Select(ServerSelectionMode.Operational, "all", "a"));
    }

    [Fact]
    public void Show_servers_takes_the_names_as_given_and_all_with_names_selects_nothing()
    {
        Assert.Equal(("off,bad,a,a", "ERROR: Unknown server 'zz'\nERROR: Unknown server 'nope'\n"),
            Select(ServerSelectionMode.Show, "zz", "off", "bad", "nope", "a", "a"));
        Assert.Equal(("", "ERROR: You cannot use 'all' with other server names\n"), Select(ServerSelectionMode.Show, "all", "a"));
        Assert.Equal(("a,bad,off", ""), Select(ServerSelectionMode.Show, "all"));
    }

    [Theory]
    [InlineData("a", true, "a", "")]
    [InlineData("all", true, null, "ERROR: You cannot use 'all' in a single server context\n")]
    [InlineData("nope", true, null, "ERROR: Unknown server 'nope'\n")]
    [InlineData("off", true, null, "Skipping inactive server 'off'\n")]
    [InlineData("off", false, "off", "")]
    [InlineData("bad", false, null, BadMessage)]
    public void A_single_server_verb_gets_one_usable_server(string name, bool skipInactive, string? selected, string lines)
    {
        using var writer = new StringWriter();
        var server = ServerSelection.Single(Config(), new ConsoleOutput(writer, writer, new OutputOptions()), name, skipInactive);
        Assert.Equal(selected, server?.Name);
        Assert.Equal(lines, writer.ToString());
    }
}
