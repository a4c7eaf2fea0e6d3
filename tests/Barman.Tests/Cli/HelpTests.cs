using Barman.Cli;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Cli;

/// <summary>Every verb's <c>--help</c>: argparse's layout, then an example and the exit codes.</summary>
public sealed class HelpTests
{
    [Fact]
    public async Task Every_verb_help_has_usage_options_examples_and_exit_codes()
    {
        foreach (var verb in CommandLineErrorTests.Tree().Subcommands.OfType<Verb>())
        {
            var r = await CliRunner.RunAsync(verb.Name, "--help");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.StartsWith($"usage: barman {verb.Name} [-h]", r.Out, StringComparison.Ordinal);
            Assert.Contains("\noptions:\n  -h, --help ", r.Out, StringComparison.Ordinal);
            foreach (var option in verb.Options)
                Assert.Contains(option.Name, r.Out, StringComparison.Ordinal);

            var examples = Section(r.Out, "examples:");
            Assert.NotEmpty(examples);
            Assert.All(examples, e => Assert.StartsWith($"  barman ", e, StringComparison.Ordinal));
            Assert.Contains(examples, e => e.Contains(" " + verb.Name, StringComparison.Ordinal));

            var codes = Section(r.Out, "exit codes:");
            Assert.Contains(codes, c => c.StartsWith("  0 ", StringComparison.Ordinal));
            Assert.Contains(codes, c => c.StartsWith("  2 ", StringComparison.Ordinal) && c.Contains("command-line error", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Help_texts_say_what_this_tool_does()
    {
        // Help is word-wrapped: compare with single spaces.
        var receiveWal = string.Join(' ', (await CliRunner.RunAsync("receive-wal", "--help")).Out.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("if it does not exist", receiveWal, StringComparison.Ordinal);
        Assert.DoesNotContain("removing any status files", receiveWal, StringComparison.Ordinal);
        Assert.Contains("an existing slot is an error unless --if-not-exists", receiveWal, StringComparison.Ordinal);
        Assert.Contains("never deleted", receiveWal, StringComparison.Ordinal);
        Assert.Contains("143 stopped by SIGTERM", receiveWal, StringComparison.Ordinal);
    }

    /// <summary>The lines of a help section (up to the next blank line).</summary>
    private static List<string> Section(string help, string title)
    {
        var lines = help.Split('\n');
        var start = Array.IndexOf(lines, title);
        Assert.True(start >= 0, $"no '{title}' in:\n{help}");
        return [.. lines.Skip(start + 1).TakeWhile(l => l.Length > 0).Where(l => !l.StartsWith("       ", StringComparison.Ordinal))];
    }
}
