using System.CommandLine;
using System.Text.RegularExpressions;
using Barman.Cli;
using Barman.Core;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Packaging;

/// <summary>docs/barman.1 (packaged as barman(1)) documents every verb and option the tool has, and none it lacks.</summary>
public sealed partial class ManPageTests
{
    private static readonly string Source = File.ReadAllText(Repository.Combine("docs", "barman.1"));

    // What a reader sees of the source: troff's \- is a plain '-'.
    private static readonly string Text = Source.Replace(@"\-", "-", StringComparison.Ordinal);

    private static RootCommand Tool()
    {
        using var discard = new StringWriter();
        return BarmanApp.BuildRoot(new GlobalOptionSet(), new ConsoleStreams(discard, discard), signals: null);
    }

    [Fact]
    public void Every_verb_has_a_section_and_its_aliases_are_named()
    {
        var verbs = Tool().Subcommands;
        Assert.NotEmpty(verbs);
        foreach (var verb in verbs)
        {
            Assert.Contains($"\n.SS \"{verb.Name}", Text, StringComparison.Ordinal);
            foreach (var alias in verb.Aliases)
                Assert.True(Mentions(alias), $"alias {alias} of {verb.Name} is not in barman.1");
        }
        var documented = SectionVerb().Matches(Text).Select(m => m.Groups[1].Value);
        Assert.Equal(verbs.Select(v => v.Name).Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_option_is_an_item_of_its_verbs_section_and_every_item_is_an_option()
    {
        var root = Tool();
        // The help option is documented once, with the global options. (System.CommandLine also
        // accepts /h and /? for it, Windows-style: not worth a line.)
        static IEnumerable<string> Names(IEnumerable<Option> options, bool withHelp) =>
            options.Where(o => withHelp || o.Name != "--help")
                .SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => !n.StartsWith('/')).Order(StringComparer.Ordinal);

        Assert.Equal(Names(root.Options, withHelp: true), ItemOptions(Block(".SH GLOBAL OPTIONS")));
        foreach (var verb in root.Subcommands)
            Assert.Equal(Names(verb.Options, withHelp: false), ItemOptions(Block($".SS \"{verb.Name}")));
        Assert.Contains("--if-not-exists", ItemOptions(Block(".SS \"receive-wal")));
    }

    [Fact]
    public void The_page_has_the_sections_of_a_manual_page()
    {
        var sections = Regex.Matches(Source, "^\\.SH (.+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value.Trim('"'));
        Assert.Equal(["NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"], sections);
        Assert.Matches("\n\\.TH BARMAN 1 ", Source);
    }

    [Fact]
    public async Task Groff_formats_it_without_a_warning()
    {
        var r = await ExternalProcess.RunAsync("groff", ["-man", "-ww", "-z", "-t", Repository.Combine("docs", "barman.1")]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Err);
    }

    /// <summary>The text from the line starting with <paramref name="heading"/> to the next .SS or .SH.</summary>
    private static string Block(string heading)
    {
        var start = Text.IndexOf("\n" + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, heading + " not found");
        var next = NextHeading().Match(Text, start + 1 + heading.Length);
        return next.Success ? Text[start..next.Index] : Text[start..];
    }

    /// <summary>The option names in the tags of the .TP items of a block.</summary>
    private static IEnumerable<string> ItemOptions(string block) =>
        TaggedItem().Matches(block).SelectMany(m => OptionName().Matches(m.Groups[1].Value).Select(o => o.Value)).Order(StringComparer.Ordinal);

    private static bool Mentions(string name) =>
        Regex.IsMatch(Text, $@"(?<![\w-]){Regex.Escape(name)}(?![\w-])");

    [GeneratedRegex("\n\\.S[SH] ")]
    private static partial Regex NextHeading();

    [GeneratedRegex("\n\\.TP\n([^\n]*)")]
    private static partial Regex TaggedItem();

    [GeneratedRegex(@"(?<![\w-])(-\?|--?[a-z][\w-]*)")]
    private static partial Regex OptionName();

    [GeneratedRegex("^\\.SS \"([a-z-]+)", RegexOptions.Multiline)]
    private static partial Regex SectionVerb();
}
