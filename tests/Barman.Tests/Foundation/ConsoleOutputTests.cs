using Barman.Core.Output;

namespace Barman.Tests.Foundation;

public sealed class ConsoleOutputTests
{
    private static (ConsoleOutput Output, StringWriter Out, StringWriter Err) Make(OutputOptions? options = null)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (new ConsoleOutput(o, e, options ?? new OutputOptions()), o, e);
    }

    [Fact]
    public void Messages_go_to_their_streams_with_barman_prefixes()
    {
        var (output, o, e) = Make();
        output.Info("hello");
        output.Warning("careful");
        output.Error("broken");
        output.Debug("hidden");
        Assert.Equal("hello\n", o.ToString());
        Assert.Equal("WARNING: careful\nERROR: broken\n", e.ToString());
        Assert.Equal(1, output.Close());
    }

    [Fact]
    public void Info_never_changes_the_exit_code_and_quiet_hides_it()
    {
        var (output, o, _) = Make(new OutputOptions(Quiet: true));
        output.Info("Another archive-wal process is already running");
        Assert.Equal("", o.ToString());
        Assert.Equal(0, output.Close());
    }

    [Fact]
    public void Debug_is_shown_with_d_and_exception_is_prefixed()
    {
        var (output, _, e) = Make(new OutputOptions(Debug: true));
        output.Debug("details");
        output.Exception("boom\nSee log file for more details.");
        Assert.Equal("DEBUG: details\nEXCEPTION: boom\nSee log file for more details.\n", e.ToString());
        Assert.True(output.ErrorOccurred);
    }

    [Fact]
    public void Check_results_format_and_only_active_failures_fail()
    {
        var (output, o, _) = Make();
        output.InitCheck("pg", active: true, disabled: false);
        output.ResultCheck("pg", "PostgreSQL", ok: true);
        output.ResultCheck("pg", "wal maximum age", ok: true, "no last_wal_maximum_age provided");
        output.InitCheck("old", active: false, disabled: false);
        output.ResultCheck("old", "PostgreSQL", ok: false);
        Assert.Equal(
            "Server pg:\n\tPostgreSQL: OK\n\twal maximum age: OK (no last_wal_maximum_age provided)\nServer old (inactive):\n\tPostgreSQL: FAILED\n",
            o.ToString());
        Assert.Equal(0, output.Close());
        output.ResultCheck("pg", "receive-wal running", ok: false, "See the Barman log file for more details");
        Assert.Equal(1, output.Close());
    }

    [Fact]
    public void Colors_wrap_statuses_when_enabled()
    {
        var (output, o, e) = Make(new OutputOptions(Color: true));
        output.InitCheck("pg", true, false);
        output.ResultCheck("pg", "x", ok: false);
        output.Error("bad");
        Assert.Contains("\u001b[31mFAILED\u001b[0m", o.ToString());
        Assert.StartsWith("\u001b[31mERROR\u001b[0m: bad", e.ToString());
    }

    [Fact]
    public void List_server_lines_match_barman_including_two_spaces_without_description()
    {
        var (output, o, _) = Make();
        output.ResultListServer("pg", "PostgreSQL 15", "");
        output.ResultListServer("s2", null, " (WARNING: disabled)");
        output.ResultListServer("bare", null, "");
        Assert.Equal("pg - PostgreSQL 15\ns2 -  (WARNING: disabled)\nbare\n", o.ToString());
    }

    [Fact]
    public void Every_message_is_redacted()
    {
        var (output, o, e) = Make();
        output.Info("conninfo: host=x password=hunter2");
        output.Error("cannot connect to postgresql://u:hunter2@h/db");
        Assert.DoesNotContain("hunter2", o.ToString() + e.ToString());
    }
}
