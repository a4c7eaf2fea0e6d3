using System.Text.Json;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Configuration;

/// <summary>
/// <c>-f json</c> never shows a password, whatever the verb: the conninfos, the description and every
/// message go through the redaction in the JSON writer too (a mutation that dropped it from
/// <c>show-servers</c> survived every other test).
/// </summary>
public sealed class JsonRedactionTests
{
    private static readonly string[] Secrets = ["pw-conninfo-s3cret", "pw-streaming-s3cret", "pw-description-s3cret", "pw-uri-s3cret"];

    private static string Write(TempDir dir) => dir.Write("barman.conf", $"""
        [barman]
        barman_home = {dir.Combine("home")}
        barman_user = {Environment.UserName}
        log_file = {dir.Combine("barman.log")}
        log_level = DEBUG

        [pg]
        description = reached with password={Secrets[2]}
        conninfo = host=127.0.0.1 port=1 user=barman password={Secrets[0]} dbname=postgres connect_timeout=3
        streaming_conninfo = postgresql://barman:{Secrets[3]}@127.0.0.1:1/postgres?password={Secrets[1]}
        backup_method = postgres
        streaming_archiver = on
        slot_name = barman

        [off]
        description = password={Secrets[2]}
        active = false
        conninfo = host=127.0.0.1 port=1 password={Secrets[0]}
        backup_method = postgres
        archiver = on
        """);

    [Theory]
    [InlineData("list-servers")]
    [InlineData("show-servers", "pg")]
    [InlineData("show-servers", "all")]
    [InlineData("check", "pg")]
    [InlineData("status", "pg")]
    [InlineData("replication-status", "pg")]
    [InlineData("switch-wal", "pg")]
    [InlineData("archive-wal", "pg")]
    [InlineData("receive-wal", "pg")]
    public async Task Json_output_never_shows_a_password(params string[] verb)
    {
        using var dir = new TempDir();
        var r = await CliRunner.RunAsync(["-f", "json", "-c", Write(dir), .. verb]);

        using (var json = JsonDocument.Parse(r.Out))
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        var log = File.Exists(dir.Combine("barman.log")) ? await File.ReadAllTextAsync(dir.Combine("barman.log")) : "";
        foreach (var secret in Secrets)
            Assert.False((r.Out + r.Err + log).Contains(secret, StringComparison.Ordinal), $"{secret} shown by {string.Join(' ', verb)}:\n{r}\n--- log\n{log}");
        if (verb[0] == "show-servers")
        {
            Assert.Contains($"\"conninfo\": \"host=127.0.0.1 port=1 user=barman password=*REDACTED* dbname=postgres connect_timeout=3\"", r.Out, StringComparison.Ordinal);
            Assert.Contains("\"description\": \"reached with password=*REDACTED*\"", r.Out, StringComparison.Ordinal);
        }
    }
}
