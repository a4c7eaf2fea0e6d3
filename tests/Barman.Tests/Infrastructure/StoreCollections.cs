namespace Barman.Tests.Infrastructure;

/// <summary>One s3rver for the tests of this collection (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverServer>
{
    public const string Name = "s3rver";
}

/// <summary>One Azurite for the tests of this collection (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "azurite";
}
