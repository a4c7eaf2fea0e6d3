namespace Barman.Core.Wal.Format;

/// <summary>XLOG_PAGE_MAGIC of each PostgreSQL major version: WAL of one version cannot be read by another.</summary>
internal static class WalMagic
{
    private static readonly Dictionary<ushort, int> Versions = new()
    {
        [0xD097] = 10,
        [0xD098] = 11,
        [0xD101] = 12,
        [0xD106] = 13,
        [0xD10D] = 14,
        [0xD110] = 15,
        [0xD113] = 16,
        [0xD116] = 17,
        [0xD118] = 18,
    };

    public const ushort PostgreSql15 = 0xD110;

    /// <summary>The major version writing <paramref name="magic"/>, or null for an unknown magic.</summary>
    public static int? VersionOf(ushort magic) => Versions.TryGetValue(magic, out var version) ? version : null;

    /// <summary>The magic of a major version, or null when we do not know it.</summary>
    public static ushort? Of(int majorVersion)
    {
        foreach (var (magic, version) in Versions)
        {
            if (version == majorVersion)
                return magic;
        }
        return null;
    }

    /// <summary><c>D110 (PostgreSQL 15)</c>, or the bare hex for an unknown magic.</summary>
    public static string Describe(ushort magic) =>
        VersionOf(magic) is { } version ? $"{magic:X4} (PostgreSQL {version})" : $"{magic:X4}";
}
