using Barman.Core.Output;
using Barman.Core.Text;

namespace Barman.Tests.Foundation;

public sealed class JsonOutputTests
{
    [Fact]
    public void Check_results_are_python_json_sorted_without_trailing_newline()
    {
        var o = new StringWriter();
        var output = new JsonOutput(o, new StringWriter(), new OutputOptions());
        output.InitCheck("pg", true, false);
        output.ResultCheck("pg", "wal size", true, "0 B");
        output.ResultCheck("pg", "archiver errors", false, "unknown: 2, duplicates: 1");
        output.ResultCheck("pg", "receive-wal running", true);
        Assert.Equal(1, output.Close());
        Assert.Equal(
            "{\"pg\": {\"archiver_errors\": {\"hint\": \"unknown: 2, duplicates: 1\", \"status\": \"FAILED\"}, "
            + "\"receive_wal_running\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"wal_size\": {\"hint\": \"0 B\", \"status\": \"OK\"}}}",
            o.ToString());
    }

    [Fact]
    public void Messages_are_collected_by_level_and_list_servers_puts_suffix_in_description()
    {
        var o = new StringWriter();
        var output = new JsonOutput(o, new StringWriter(), new OutputOptions());
        output.ResultListServer("other", "file archiver only", "");
        output.ResultListServer("pg", "PG", " (inactive)");
        output.Warning("w");
        output.Close();
        Assert.Equal("{\"_WARNING\": [\"w\"], \"other\": {\"description\": \"file archiver only\"}, \"pg\": {\"description\": \"PG (inactive)\"}}", o.ToString());
    }

    [Theory]
    [InlineData("pg_receivexlog compatible", "pg_receivexlog_compatible")]
    [InlineData("superuser or standard user with backup privileges", "superuser_or_standard_user_with_backup_privileges")]
    [InlineData("receive-wal running", "receive_wal_running")]
    public void Check_names_are_mangled_as_barman_does(string name, string key) => Assert.Equal(key, JsonOutput.Mangle(name));

    [Fact]
    public void Non_ascii_is_escaped_like_python() => Assert.Equal("\"caf\\u00e9\"", PythonJson.Dumps("café"));
}
