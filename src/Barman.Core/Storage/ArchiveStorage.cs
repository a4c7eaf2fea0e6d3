using Barman.Core.Configuration;
using Barman.Core.Storage.ObjectStore;

namespace Barman.Core.Storage;

/// <summary>The storage of a server's WAL archive, chosen by its <c>wals_directory</c>: a local directory, or an object store URL.</summary>
internal static class ArchiveStorage
{
    /// <exception cref="ObjectStoreException">the object store cannot be set up (unknown profile, malformed connection string...).</exception>
    public static IArchiveStorage For(ServerConfig server)
    {
        if (!server.WalsInObjectStore)
            return new LocalArchiveStorage(server.WalsDirectory);
        var (url, error) = ArchiveUrl.Parse(server.WalsDirectory);
        if (url is null)
            throw new ObjectStoreException(ObjectStoreErrorKind.Failed, "wals_directory", error!);
        var store = OpenStore(server, url);
        var prefix = url.WalsPrefix(server.Name);
        return new ObjectArchiveStorage(store, prefix, $"{url.ToString().TrimEnd('/')}/{server.Name}/wals", StagingDirectory(server), server.ArchiveUploadJobs);
    }

    /// <summary>The local directory of staged copies and downloads of an object-store archive: hidden, beside xlog.db.</summary>
    public static string StagingDirectory(ServerConfig server) =>
        Path.Combine(Path.GetDirectoryName(server.XlogdbFile)!, $".{server.Name}-staging");

    /// <summary>The driver of the archive's store, its credentials and endpoint from the SDK's standard chains.</summary>
    public static IObjectStore OpenStore(ServerConfig server, ArchiveUrl url)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, server.AwsReadTimeout));
        return url.Provider switch
        {
            ArchiveProvider.S3 => new S3ObjectStore(new S3StoreOptions
            {
                Bucket = url.Bucket,
                Region = server.AwsRegion,
                Profile = server.AwsProfile,
                RequestTimeout = timeout,
            }),
            _ => new AzureBlobStore(
                new AzureStoreOptions { AccountUrl = url.AccountUrl!, Container = url.Bucket, RequestTimeout = timeout },
                AzureAuth.FromEnvironment(Environment.GetEnvironmentVariable)),
        };
    }
}
