namespace Barman.Tests.ObjectStore;

/// <summary>
/// AWS shared config and credentials files of this test process (the standard chain's
/// <c>AWS_SHARED_CREDENTIALS_FILE</c>/<c>AWS_CONFIG_FILE</c>), so that the S3 tests go through the
/// <c>aws_profile</c> path and never touch the machine's own files. Instance metadata is disabled:
/// a chain that finds nothing must not reach for 169.254.169.254.
/// </summary>
internal static class AwsTestProfiles
{
    /// <summary>Access key s3rver knows; a secret of our own (s3rver does not check V4 signatures).</summary>
    public const string Good = "barman-test-s3rver";

    /// <summary>An access key s3rver does not know (InvalidAccessKeyId, 403).</summary>
    public const string WrongKey = "barman-test-wrong";

    public const string GoodSecret = "good-secret-0b1c2d3e4f";
    public const string WrongSecret = "wrong-secret-9f8e7d6c5b";

    private static readonly Lazy<string> Directory = new(Install);

    public static void EnsureInstalled() => _ = Directory.Value;

    private static string Install()
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("barman-aws-").FullName;
        File.WriteAllText(Path.Combine(dir, "credentials"), $"""
            [{Good}]
            aws_access_key_id = S3RVER
            aws_secret_access_key = {GoodSecret}

            [{WrongKey}]
            aws_access_key_id = NOT-A-KEY-OF-S3RVER
            aws_secret_access_key = {WrongSecret}

            """);
        File.WriteAllText(Path.Combine(dir, "config"), $"""
            [profile {Good}]
            region = eu-west-3

            [profile {WrongKey}]
            region = eu-west-3

            """);
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(dir, "credentials"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(dir, "config"));
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(dir, recursive: true);
        return dir;
    }
}
