using Barman.Core.Output;

namespace Barman.Tests.Foundation;

public sealed class NagiosOutputTests
{
    private static (NagiosOutput Output, StringWriter Out) Make()
    {
        var o = new StringWriter();
        return (new NagiosOutput(o, new OutputOptions()), o);
    }

    [Fact]
    public void Single_server_failure_matches_barman_byte_for_byte()
    {
        var (output, o) = Make();
        output.InitCheck("pg", true, false);
        output.ResultCheck("pg", "WAL archive", false, "please make sure WAL shipping is setup");
        output.ResultCheck("pg", "PostgreSQL", true);
        output.ResultCheck("pg", "replication slot", false, "replication slot 'barman' doesn't exist. Please execute 'barman receive-wal --create-slot pg'");
        output.ResultCheck("pg", "receive-wal running", false, "See the Barman log file for more details");
        output.ResultPerfData("pg", 0, 0);
        output.Warning("swallowed");
        Assert.Equal(2, output.Close());
        Assert.Equal(
            "BARMAN CRITICAL - server pg has issues * pg FAILED: WAL archive, replication slot, receive-wal running|pg=0B pg_wals=0B\n"
            + "pg.WAL archive: FAILED (please make sure WAL shipping is setup)\n"
            + "pg.replication slot: FAILED (replication slot 'barman' doesn't exist. Please execute 'barman receive-wal --create-slot pg')\n"
            + "pg.receive-wal running: FAILED (See the Barman log file for more details)\n",
            o.ToString());
    }

    [Fact]
    public void Healthy_single_and_multi_server()
    {
        var (one, o1) = Make();
        one.InitCheck("pg", true, false);
        one.ResultCheck("pg", "PostgreSQL", true);
        one.ResultPerfData("pg", 0, 16777216);
        Assert.Equal(0, one.Close());
        Assert.Equal("BARMAN OK - Ready to serve the Espresso backup for pg|pg=0B pg_wals=16777216B\n", o1.ToString());

        var (two, o2) = Make();
        foreach (var s in new[] { "a", "b" })
        {
            two.InitCheck(s, true, false);
            two.ResultCheck(s, "PostgreSQL", true);
            two.ResultPerfData(s, 0, 0);
        }
        Assert.Equal(0, two.Close());
        Assert.Equal("BARMAN OK - Ready to serve the Espresso backup for 2 servers * a * b|a=0B a_wals=0B b=0B b_wals=0B\n", o2.ToString());
    }

    [Fact]
    public void Two_servers_both_failing()
    {
        var (output, o) = Make();
        output.InitCheck("other", true, false);
        output.ResultCheck("other", "WAL archive", false, "please make sure WAL shipping is setup");
        output.ResultPerfData("other", 0, 0);
        output.InitCheck("pg", true, false);
        output.ResultCheck("pg", "receive-wal running", false, "See the Barman log file for more details");
        output.ResultPerfData("pg", 0, 0);
        Assert.Equal(2, output.Close());
        Assert.StartsWith(
            "BARMAN CRITICAL - 2 server out of 2 have issues * other FAILED: WAL archive * pg FAILED: receive-wal running|other=0B other_wals=0B pg=0B pg_wals=0B\n",
            o.ToString());
    }

    [Fact]
    public void Failures_on_inactive_servers_are_ignored()
    {
        var (output, o) = Make();
        output.InitCheck("old", false, false);
        output.ResultCheck("old", "PostgreSQL", false);
        output.ResultPerfData("old", 0, 0);
        output.InitCheck("pg", true, false);
        output.ResultCheck("pg", "PostgreSQL", true);
        output.ResultPerfData("pg", 0, 0);
        Assert.Equal(0, output.Close());
        Assert.Equal("BARMAN OK - Ready to serve the Espresso backup for pg * IGNORING: old|old=0B old_wals=0B pg=0B pg_wals=0B\n", o.ToString());
    }

    [Fact]
    public void Errors_without_check_results_are_global_configuration_errors()
    {
        var (output, o) = Make();
        output.Error("Unknown server 'nope'");
        Assert.Equal(2, output.Close());
        Assert.Equal("BARMAN CRITICAL - Global configuration errors\n", o.ToString());
    }
}
