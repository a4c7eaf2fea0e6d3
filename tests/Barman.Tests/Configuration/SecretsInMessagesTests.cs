using Barman.Tests.Infrastructure;

namespace Barman.Tests.Configuration;

/// <summary>
/// A password never reaches a message, in every conninfo form: configuration errors (a stray '%'
/// inside the password), show-servers, check's output and the log. SECRET and TAILWORD are the two
/// halves of every password below.
/// </summary>
public sealed class SecretsInMessagesTests
{
    public static TheoryData<string> ConninfoForms => new()
    {
        "host=127.0.0.1 port=1 user=u password=SECRETxTAILWORD dbname=postgres",
        "host=127.0.0.1 port=1 user=u password='SECRET TAILWORD' dbname=postgres",
        "host=127.0.0.1 port=1 user=u password='SECRET TAILWORD",
        "postgresql://u:SECRETxTAILWORD@127.0.0.1:1/postgres",
        "postgresql://u:SECRET%40TAILWORD@127.0.0.1:1/postgres",
        "postgresql://127.0.0.1:1/postgres?user=u&password=SECRET%20TAILWORD",
    };

    private static string Write(TempDir dir, string conninfo) =>
        dir.Write("barman.conf", $"""
            [barman]
            barman_home = {dir.Combine("home")}
            barman_user = {Environment.UserName}
            log_file = {dir.Combine("barman.log")}
            log_level = DEBUG

            [pg]
            conninfo = {conninfo}
            streaming_archiver = on
            backup_method = postgres
            slot_name = barman
            check_timeout = 5
            """);

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain("SECRET", text);
        Assert.DoesNotContain("TAILWORD", text);
    }

    [Theory]
    [MemberData(nameof(ConninfoForms))]
    public async Task A_bad_percent_inside_a_password_is_a_one_line_error_without_it(string conninfo)
    {
        using var dir = new TempDir();
        // Percent-encoded forms are the user's typo of the issue; the others get a '%' inside the password.
        var broken = conninfo.Contains('%', StringComparison.Ordinal) ? conninfo : conninfo.Replace("SECRET", "SEC%RET", StringComparison.Ordinal);
        var r = await CliRunner.RunAsync("-c", Write(dir, broken), "show-servers", "pg");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith("ERROR: '%' must be followed by '%' or '(', found: '", r.Err);
        Assert.EndsWith(" in option 'conninfo' of section 'pg'\n", r.Err);
        Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("*REDACTED*", r.Err);
        AssertNoSecret(r.Err);
    }

    [Theory]
    [MemberData(nameof(ConninfoForms))]
    public async Task Show_servers_check_and_the_log_never_show_a_password(string conninfo)
    {
        using var dir = new TempDir();
        var config = Write(dir, conninfo.Replace("%", "%%", StringComparison.Ordinal));

        var show = await CliRunner.RunAsync("-c", config, "show-servers", "pg");
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("\tconninfo: ", show.Out);
        Assert.Contains("*REDACTED*", show.Out);
        AssertNoSecret(show.Out + show.Err);

        var json = await CliRunner.RunAsync("-f", "json", "-c", config, "show-servers", "pg");
        Assert.Contains("*REDACTED*", json.Out);
        AssertNoSecret(json.Out + json.Err);

        var check = await CliRunner.RunAsync("-c", config, "check", "pg");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("PostgreSQL: FAILED", check.Out);
        AssertNoSecret(check.Out + check.Err);

        var log = File.ReadAllText(dir.Combine("barman.log"));
        Assert.Contains("Error retrieving PostgreSQL status", log);
        AssertNoSecret(log);
    }
}
