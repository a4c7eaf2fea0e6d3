using System.CommandLine;
using Barman.Cli;
using Barman.Core;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Cli;

/// <summary>
/// Command-line errors as Barman's argparse gives them, from the real executable: usage, then
/// <c>barman[ verb]: error: …</c>, exit 2, and nothing run (the session never starts: no log file).
/// </summary>
public sealed class CommandLineErrorTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _config;
    private readonly string _log;

    public CommandLineErrorTests()
    {
        _log = _dir.Combine("barman.log");
        _config = _dir.Write("barman.conf", $"""
            [barman]
            barman_home = {_dir.Path}
            barman_user = {Environment.UserName}
            log_file = {_log}

            [pg]
            conninfo = host=127.0.0.1 port=1 user=postgres
            streaming_archiver = on
            slot_name = barman
            backup_method = postgres

            """);
    }

    public void Dispose() => _dir.Dispose();

    private Task<CliResult> Run(params string[] args) => CliRunner.RunProcessAsync(["-c", _config, .. args]);

    internal static RootCommand Tree()
    {
        using var discard = new StringWriter();
        return BarmanApp.BuildRoot(new GlobalOptionSet(), new ConsoleStreams(discard, discard), signals: null);
    }

    private void AssertNothingRan(CliResult r)
    {
        Assert.Equal("", r.Out);
        Assert.False(File.Exists(_log), "the session started (the log file was created): " + r);
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("chek")]
    public async Task Unknown_verb_lists_the_verbs_of_the_command_tree(string verb)
    {
        var r = await Run(verb, "pg");

        Assert.Equal(2, r.ExitCode);
        var lines = r.Err.TrimEnd('\n').Split('\n');
        Assert.StartsWith("usage: barman [-h] [-v] [-c CONFIG]", lines[0], StringComparison.Ordinal);
        var choices = string.Join(", ", Tree().Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)).Select(n => $"'{n}'"));
        Assert.Equal($"barman: error: argument command: invalid choice: '{verb}' (choose from {choices})", lines[^1]);
        Assert.Contains("'check'", lines[^1], StringComparison.Ordinal);
        Assert.Contains("'switch-xlog'", lines[^1], StringComparison.Ordinal);
        AssertNothingRan(r);
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("recover")]
    [InlineData("list-backup")]
    public async Task Barman_verb_this_tool_lacks_is_one_line_pointing_to_the_compatibility_notes(string verb)
    {
        var r = await Run(verb, "pg");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"barman: error: '{verb}' is a Barman command that this tool does not implement (it streams and archives WAL only): see docs/compatibility.md\n", r.Err);
        AssertNothingRan(r);
    }

    [Fact]
    public async Task Unknown_option_on_any_verb_is_named_and_nothing_runs()
    {
        foreach (var verb in Tree().Subcommands)
        {
            string[] args = [verb.Name, .. verb.Arguments.Count > 0 ? ["pg"] : Array.Empty<string>(), "--bogus"];
            var r = await Run(args);
            Assert.True(r.ExitCode == 2, $"{string.Join(' ', args)}: {r}");
            Assert.EndsWith("\nbarman: error: unrecognized arguments: --bogus\n", r.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("Unknown server", r.Err, StringComparison.Ordinal);
            AssertNothingRan(r);
        }
    }

    [Fact]
    public async Task Option_before_the_server_name_is_not_a_server_name()
    {
        var r = await Run("check", "--bogus", "pg");

        Assert.Equal(2, r.ExitCode);
        Assert.EndsWith("barman: error: unrecognized arguments: --bogus\n", r.Err, StringComparison.Ordinal);
        AssertNothingRan(r);
    }

    [Fact]
    public async Task Missing_argument_bad_value_and_missing_value_are_worded_as_argparse()
    {
        var missing = await Run("archive-wal");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("usage: barman archive-wal [-h] server_name\nbarman archive-wal: error: the following arguments are required: server_name\n", missing.Err);

        var choice = await Run("replication-status", "--target", "x", "pg");
        Assert.Equal(2, choice.ExitCode);
        Assert.EndsWith("\nbarman replication-status: error: argument --target: invalid choice: 'x' (choose from 'all', 'hot-standby', 'wal-streamer')\n", choice.Err, StringComparison.Ordinal);

        var negative = await Run("switch-wal", "--archive-timeout", "-1", "pg");
        Assert.Equal(2, negative.ExitCode);
        Assert.EndsWith("\nbarman switch-wal: error: argument --archive-timeout: '-1' is not a valid non negative integer\n", negative.Err, StringComparison.Ordinal);

        var noValue = await Run("switch-wal", "pg", "--archive-timeout");
        Assert.Equal(2, noValue.ExitCode);
        Assert.EndsWith("\nbarman switch-wal: error: argument --archive-timeout: expected one argument\n", noValue.Err, StringComparison.Ordinal);

        var global = await Run("--color", "x", "check", "pg");
        Assert.Equal(2, global.ExitCode);
        Assert.EndsWith("\nbarman: error: argument --color/--colour: invalid choice: 'x' (choose from 'never', 'always', 'auto')\n", global.Err, StringComparison.Ordinal);
        AssertNothingRan(global);
    }

    [Fact]
    public async Task A_server_name_after_double_dash_is_a_name()
    {
        var r = await Run("check", "--", "-pg");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ERROR: Unknown server '-pg'\n", r.Err);
    }

    [Fact]
    public async Task No_verb_prints_the_help_and_help_is_a_verb()
    {
        var none = await Run();
        Assert.Equal(0, none.ExitCode);
        Assert.StartsWith("usage: barman ", none.Out, StringComparison.Ordinal);

        var help = await Run("help");
        Assert.Equal(0, help.ExitCode);
        Assert.Equal(none.Out, help.Out);
    }
}

public sealed class UnimplementedVerbListTests
{
    [Fact]
    public void Names_only_verbs_the_tree_lacks()
    {
        // A verb added to the tree wins over this list at run time; this says to remove it here too.
        var ours = CommandLineErrorTests.Tree().Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name)).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(UnimplementedVerbs.Barman34, ours.Contains);
    }
}
