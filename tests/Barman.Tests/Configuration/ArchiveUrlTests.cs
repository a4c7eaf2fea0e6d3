using Barman.Core.Configuration;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Configuration;

/// <summary><c>wals_directory</c> as an object store URL: barman-cloud's forms, what is refused, where xlog.db goes, what show-servers prints.</summary>
public sealed class ArchiveUrlTests
{
    [Theory]
    [InlineData("s3://bucket", "S3", "bucket", "", null, "bucket/pg/wals/")]
    [InlineData("s3://bucket/path/to/dir/", "S3", "bucket", "path/to/dir", null, "bucket/path/to/dir/pg/wals/")]
    [InlineData("https://acct.blob.core.windows.net/container/deep/er", "Azure", "container", "deep/er", "https://acct.blob.core.windows.net/", "container/deep/er/pg/wals/")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/container", "Azure", "container", "", "http://127.0.0.1:10000/devstoreaccount1", "container/pg/wals/")]
    public void Barman_cloud_url_forms_are_understood(string text, string provider, string bucket, string path, string? account, string bucketAndPrefix)
    {
        var (url, error) = ArchiveUrl.Parse(text);
        Assert.Null(error);
        Assert.Equal(provider, url!.Provider.ToString());
        Assert.Equal(bucket, url.Bucket);
        Assert.Equal(path, url.Path);
        Assert.Equal(account, url.AccountUrl?.ToString());
        Assert.Equal(bucketAndPrefix, url.Bucket + "/" + url.WalsPrefix("pg"));
    }

    [Theory]
    [InlineData("s3://AKIAKEY:topsecret@bucket/p", "credentials do not belong")]
    [InlineData("https://acct.blob.core.windows.net/c/p?sv=2020&sig=topsecret", "query string")]
    [InlineData("gs://bucket/p", "unknown scheme")]
    [InlineData("https://acct.blob.core.windows.net/", "expected https://")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1", "expected http[s]://")]
    public void Urls_with_secrets_or_missing_parts_are_refused_without_quoting_them(string text, string reason)
    {
        var (url, error) = ArchiveUrl.Parse(text);
        Assert.Null(url);
        Assert.Contains(reason, error);
        Assert.DoesNotContain("topsecret", error);
    }

    [Fact]
    public async Task Show_servers_prints_the_url_xlogdb_stays_local_and_a_bad_url_disables_the_server_without_echoing_it()
    {
        using var dir = new TempDir();
        var config = dir.Write("barman.conf", $"""
            [barman]
            barman_home = {dir.Combine("home")}
            barman_user = {Environment.UserName}
            log_file = {dir.Combine("barman.log")}

            [pg]
            conninfo = host=127.0.0.1
            backup_method = postgres
            archiver = on
            wals_directory = s3://bucket/barman
            aws_region = eu-west-3

            [bad]
            conninfo = host=127.0.0.1
            backup_method = postgres
            archiver = on
            wals_directory = s3://KEY:topsecret@bucket/barman

            [sas]
            conninfo = host=127.0.0.1
            backup_method = postgres
            archiver = on
            wals_directory = https://acct.blob.core.windows.net/c/p?sv=2022-11-02&sig=topsecret
            """);

        var shown = await CliRunner.RunAsync("-c", config, "show-servers", "pg");
        Assert.Contains("\twals_directory: s3://bucket/barman\n", shown.Out);
        Assert.Contains("\taws_region: eu-west-3\n", shown.Out);
        Assert.Contains("\tarchive_upload_jobs: 8\n", shown.Out);

        var bad = await CliRunner.RunAsync("-c", config, "check", "bad");
        Assert.Contains("Invalid wals_directory for server 'bad': credentials do not belong in the URL", bad.Out + bad.Err);
        foreach (var name in new[] { "bad", "sas" })
        {
            var secret = await CliRunner.RunAsync("-c", config, "show-servers", name);
            var json = await CliRunner.RunAsync("-f", "json", "-c", config, "show-servers", name);
            Assert.Contains("*REDACTED*", secret.Out);
            Assert.DoesNotContain("topsecret", secret.Out + secret.Err + json.Out + json.Err + (File.Exists(dir.Combine("barman.log")) ? File.ReadAllText(dir.Combine("barman.log")) : ""));
        }

        var global = TestConfig.Global(dir.Path);
        var server = TestConfig.Server("pg", global) with { WalsDirectory = "s3://bucket/barman" };
        Assert.Equal(Path.Combine(server.BackupDirectory, "pg-xlog.db"), server.XlogdbFile);
        Assert.Equal(Path.Combine(dir.Path, "x", "pg-xlog.db"), (server with { XlogdbDirectory = Path.Combine(dir.Path, "x") }).XlogdbFile);
    }
}
