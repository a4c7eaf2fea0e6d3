namespace Barman.Core.Configuration;

/// <summary>Which kind of object store holds a WAL archive.</summary>
internal enum ArchiveProvider
{
    /// <summary>AWS S3 or an S3-compatible store: <c>s3://BUCKET[/PATH]</c>.</summary>
    S3,

    /// <summary>Azure Blob Storage or an emulator: <c>https://ACCOUNT.blob.core.windows.net/CONTAINER[/PATH]</c>, <c>http[s]://HOST[:PORT]/ACCOUNT/CONTAINER[/PATH]</c>.</summary>
    Azure,
}

/// <summary>
/// A <c>wals_directory</c> that names an object store, in barman-cloud's URL forms (the
/// <c>DESTINATION_URL</c> of <c>barman-cloud-wal-archive</c>), so that an existing barman-cloud
/// archive's URL can be copied as it is. A local <c>wals_directory</c> is a path, never a URL.
/// The URL carries no secret: user information and query strings (a SAS token) are refused, so
/// show-servers and every message may print it.
/// </summary>
/// <param name="Bucket">The S3 bucket or the Azure container.</param>
/// <param name="Path">The key prefix inside it, without leading or trailing slash; may be empty.</param>
/// <param name="AccountUrl">Azure only: the blob service of the account (<c>https://ACCOUNT.blob.core.windows.net</c>, or an emulator's <c>http://HOST:PORT/ACCOUNT</c>).</param>
internal sealed record ArchiveUrl(ArchiveProvider Provider, string Bucket, string Path, Uri? AccountUrl)
{
    private const string AzureDomain = ".blob.core.windows.net";

    /// <summary>Whether a <c>wals_directory</c> value is meant as a URL (it has a scheme) rather than a path.</summary>
    public static bool LooksLikeUrl(string? value) => value is not null && value.Contains("://", StringComparison.Ordinal);

    /// <summary>The key prefix of one server's archive: <c>PATH/SERVER/wals/</c> (barman-cloud's layout).</summary>
    public string WalsPrefix(string server) => (Path.Length == 0 ? "" : Path + "/") + server + "/wals/";

    /// <summary>The URL as written, normalised (for messages and <c>BARMAN_FILE</c>).</summary>
    public override string ToString() => Provider == ArchiveProvider.S3
        ? $"s3://{Bucket}{(Path.Length == 0 ? "" : "/" + Path)}"
        : $"{AccountUrl!.ToString().TrimEnd('/')}/{Bucket}{(Path.Length == 0 ? "" : "/" + Path)}";

    /// <summary>Parses a URL form; the error says what is wrong without quoting anything that could be a secret.</summary>
    public static (ArchiveUrl? Url, string? Error) Parse(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
            return (null, "not a valid URL");
        if (uri.UserInfo.Length > 0)
            return (null, "credentials do not belong in the URL: use the environment or aws_profile");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            return (null, "a query string does not belong in the URL (a SAS token goes in AZURE_STORAGE_SAS_TOKEN)");
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (uri.Scheme)
        {
            case "s3":
                if (uri.Host.Length == 0 || !uri.IsDefaultPort)
                    return (null, "expected s3://BUCKET[/PATH]");
                return (new ArchiveUrl(ArchiveProvider.S3, uri.Host, string.Join('/', segments), null), null);
            case "http" or "https":
                if (uri.Host.EndsWith(AzureDomain, StringComparison.OrdinalIgnoreCase))
                {
                    if (segments.Length < 1)
                        return (null, "expected https://ACCOUNT.blob.core.windows.net/CONTAINER[/PATH]");
                    return (new ArchiveUrl(ArchiveProvider.Azure, segments[0], string.Join('/', segments[1..]), new Uri(uri.GetLeftPart(UriPartial.Authority))), null);
                }
                if (segments.Length < 2)
                    return (null, "expected http[s]://HOST[:PORT]/ACCOUNT/CONTAINER[/PATH] (an Azure emulator)");
                return (new ArchiveUrl(ArchiveProvider.Azure, segments[1], string.Join('/', segments[2..]), new Uri(uri.GetLeftPart(UriPartial.Authority) + "/" + segments[0])), null);
            default:
                return (null, $"unknown scheme '{uri.Scheme}' (s3://, or https:// for Azure Blob Storage)");
        }
    }
}
