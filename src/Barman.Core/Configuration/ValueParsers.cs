using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Barman.Core.Text;

namespace Barman.Core.Configuration;

/// <summary>The parsers of Barman 3.4's <c>ServerConfig.PARSERS</c> (same results, same messages) and ours.</summary>
internal static partial class ValueParsers
{
    [GeneratedRegex("^(true|t|yes|1|on)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TrueValue();

    [GeneratedRegex("^(false|f|no|0|off)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FalseValue();

    [GeneratedRegex(@"^\s*([0-9]+)\s+(day|month|week|hour)s?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TimeInterval();

    [GeneratedRegex("^[0-9a-z_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SlotName();

    // Barman's _SI_SUFFIX_RE is used with re.match: anchored at the start only by match, at the end by '$'.
    [GeneratedRegex(@"^([0-9]+)\s*(k|Ki|M|Mi|G|Gi|T|Ti)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SiSuffix();

    // Python int(): optional sign, digits with single underscores between them, surrounding whitespace.
    [GeneratedRegex(@"^\s*[+-]?[0-9]+(_[0-9]+)*\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex PythonInt();

    // Ours (max_slot_lag): "10 GiB", "512MB", "1048576", "2 G".
    [GeneratedRegex(@"^\s*([0-9]+)\s*(?:(k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib|b)\s*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ByteSize();

    public static readonly ValueParser None = new("string", null);
    public static readonly ValueParser Path = new("path", null);

    public static readonly ValueParser Boolean = new("boolean", (v, _) => ParseBoolean(v));

    public static readonly ValueParser Integer = new("integer", (v, _) => ParseInt(v));

    public static readonly ValueParser Interval = new("time interval (N day|week|month|hour[s])", (v, _) => ParseTimeInterval(v));

    public static readonly ValueParser SiSize = new("size (N[k|Ki|M|Mi|G|Gi|T|Ti])", (v, _) => ParseSiSuffix(v));

    public static readonly ValueParser Slot = new("replication slot name", (v, _) =>
    {
        var lower = v.ToLowerInvariant();
        return SlotName().IsMatch(lower)
            ? Parsed.Ok(lower)
            : Parsed.Fail("Replication slot names may only contain lower case letters, numbers, and the underscore character.");
    });

    public static readonly ValueParser CreateSlot = new("manual | auto", (v, _) => v.ToLowerInvariant() switch
    {
        "manual" => Parsed.Ok(CreateSlotMode.Manual),
        "auto" => Parsed.Ok(CreateSlotMode.Auto),
        _ => Parsed.Fail("Invalid value (use 'manual' or 'auto')"),
    });

    public static readonly ValueParser BackupMethod = Choice(["rsync", "postgres", "local-rsync", "snapshot"]);

    public static readonly ValueParser ReuseBackup = new("copy | link | off", (v, _) =>
        v.ToLowerInvariant() is "copy" or "link" or "off" ? Parsed.Ok(v.ToLowerInvariant()) : Parsed.Fail("Invalid value (use 'copy', 'link' or 'off')"));

    public static readonly ValueParser BackupCompression = Choice(["gzip", "lz4", "zstd"]);

    public static readonly ValueParser BackupCompressionFormat = new("plain | tar", (v, _) =>
        v.ToLowerInvariant() is "plain" or "tar" ? Parsed.Ok(v.ToLowerInvariant()) : Parsed.Fail("Invalid value (must be either `plain` or `tar`)"));

    public static readonly ValueParser BackupCompressionLocation = new("client | server", (v, _) =>
        v.ToLowerInvariant() is "client" or "server" ? Parsed.Ok(v.ToLowerInvariant()) : Parsed.Fail("Invalid value (must be either `client` or `server`)"));

    public static readonly ValueParser BackupOptions = Csv("BackupOptions", ["exclusive_backup", "concurrent_backup", "external_configuration"],
        new Dictionary<string, string>(StringComparer.Ordinal) { ["exclusive_backup"] = "concurrent_backup", ["concurrent_backup"] = "exclusive_backup" });

    public static readonly ValueParser RecoveryOptions = Csv("RecoveryOptions", ["get-wal"], new Dictionary<string, string>(StringComparer.Ordinal));

    public static readonly ValueParser AbsolutePath = new("absolute path", (v, _) =>
        v.StartsWith('/') ? Parsed.Ok(v) : Parsed.Fail($"Invalid value : '{v}' (must be an absolute path)"));

    public static readonly ValueParser SnapshotDisks = new("comma-separated list", (v, _) =>
    {
        var disks = v.Split(',');
        return disks.Any(d => d.Length == 0) ? Parsed.Fail(PyRepr(disks)) : Parsed.Ok(v);
    });

    /// <summary>WAL compression: the algorithms we implement. Empty/none means "no compression" (no inheritance), as in Barman.</summary>
    public static readonly IReadOnlyList<string> CompressionAlgorithms = ["gzip", "bzip2", "lz4", "zstd", "pygzip", "pybzip2"];

    public static readonly ValueParser Compression = new(string.Join(" | ", CompressionAlgorithms), (v, _) =>
        v.Length == 0 ? Parsed.Ok(ValueParser.ExplicitNone)
        : CompressionAlgorithms.Contains(v, StringComparer.Ordinal) ? Parsed.Ok(v)
        : Parsed.Fail($"Invalid value (must be one in: '{string.Join("', '", CompressionAlgorithms)}')"));

    /// <summary>Ours: a byte size such as <c>10 GiB</c>, <c>512MB</c>, <c>1048576</c>. Empty/none disables (no inheritance).</summary>
    public static readonly ValueParser ByteSizeParser = new("size (bytes, or N kB|MB|GB|TB|KiB|MiB|GiB|TiB)", (v, _) =>
    {
        if (v.Length == 0)
            return Parsed.Ok(ValueParser.ExplicitNone);
        var m = ByteSize().Match(v);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return Parsed.Fail($"Invalid size {v} (use bytes or a unit: kB, MB, GB, TB, KiB, MiB, GiB, TiB)");
        var multiplier = m.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" or "kb" => 1000L,
            "kib" => 1L << 10,
            "m" or "mb" => 1000_000L,
            "mib" => 1L << 20,
            "g" or "gb" => 1000_000_000L,
            "gib" => 1L << 30,
            "t" or "tb" => 1000_000_000_000L,
            "tib" => 1L << 40,
            _ => 1L,
        };
        try
        {
            return Parsed.Ok(checked(n * multiplier));
        }
        catch (OverflowException)
        {
            return Parsed.Fail($"Invalid size {v} (too large)");
        }
    });

    public static Parsed ParseBoolean(string value) =>
        TrueValue().IsMatch(value) ? Parsed.Ok(true)
        : FalseValue().IsMatch(value) ? Parsed.Ok(false)
        : Parsed.Fail("Invalid boolean representation (use 'true' or 'false')");

    /// <summary>Python's <c>int(value)</c>; the result must fit a 32-bit int (Barman's are seconds, counts).</summary>
    public static Parsed ParseInt(string value)
    {
        if (!PythonInt().IsMatch(value))
            return Parsed.Fail($"invalid literal for int() with base 10: {Text.PyRepr.Str(value)}");
        var digits = value.Trim().Replace("_", "", StringComparison.Ordinal);
        var big = BigInteger.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return big < int.MinValue || big > int.MaxValue
            ? Parsed.Fail($"integer {digits} is out of range")
            : Parsed.Ok((int)big);
    }

    /// <summary>Barman's <c>parse_time_interval</c>: empty is None (so it inherits); month = 31 days.</summary>
    public static Parsed ParseTimeInterval(string value)
    {
        if (value.Length == 0)
            return Parsed.Ok(null);
        var m = TimeInterval().Match(value);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return Parsed.Fail($"Invalid value for a time interval {value}");
        return Parsed.Ok(char.ToLowerInvariant(m.Groups[2].Value[0]) switch
        {
            'd' => TimeSpan.FromDays(n),
            'w' => TimeSpan.FromDays(7L * n),
            'm' => TimeSpan.FromDays(31L * n),
            _ => TimeSpan.FromHours(n),
        });
    }

    /// <summary>Barman's <c>parse_si_suffix</c>: empty is None; <c>k</c>=1000, <c>Ki</c>=1024 ... <c>Ti</c>.</summary>
    public static Parsed ParseSiSuffix(string value)
    {
        if (value.Length == 0)
            return Parsed.Ok(null);
        var m = SiSuffix().Match(value);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return Parsed.Fail($"Invalid value for a number {value}");
        var multiplier = m.Groups[2].Value switch
        {
            "k" => 1000L,
            "Ki" => 1024L,
            "M" => 1000000L,
            "Mi" => 1048576L,
            "G" => 1000000000L,
            "Gi" => 1073741824L,
            "T" => 1000000000000L,
            "Ti" => 1099511627776L,
            _ => 1L,
        };
        try
        {
            return Parsed.Ok(checked(n * multiplier));
        }
        catch (OverflowException)
        {
            return Parsed.Fail($"Invalid value for a number {value}");
        }
    }

    /// <summary>Barman's lower-cased choice parsers (<c>parse_backup_method</c>, <c>parse_backup_compression</c>).</summary>
    private static ValueParser Choice(string[] values) => new(string.Join(" | ", values), (v, _) =>
        values.Contains(v.ToLowerInvariant(), StringComparer.Ordinal)
            ? Parsed.Ok(v.ToLowerInvariant())
            : Parsed.Fail($"Invalid value (must be one in: '{string.Join("', '", values)}')"));

    /// <summary>Barman's <c>CsvOption</c>: comma-separated known words, some pairs conflicting.</summary>
    private static ValueParser Csv(string className, string[] allowed, Dictionary<string, string> conflicts) =>
        new("comma-separated: " + string.Join(", ", allowed), (v, ctx) =>
        {
            var chosen = new SortedSet<string>(StringComparer.Ordinal);
            if (v.Length == 0)
                return Parsed.Ok(new CsvSetting(className, [.. chosen]));
            foreach (var item in v.Split(',').OrderBy(s => s, StringComparer.Ordinal))
            {
                var word = item.Trim().ToLowerInvariant();
                if (!allowed.Contains(word, StringComparer.Ordinal))
                    return Parsed.Fail($"Invalid configuration value '{word}' for key {ctx.Key} in {ctx.Source}: Unknown option");
                if (conflicts.TryGetValue(word, out var other) && chosen.Contains(other))
                {
                    return Parsed.Fail($"Invalid configuration value '{word}' for key {ctx.Key} in {ctx.Source}: cannot contain both " +
                        $"'{word}' and '{other}'.Configuration directive ignored.");
                }
                chosen.Add(word);
            }
            return Parsed.Ok(new CsvSetting(className, [.. chosen]));
        });

    private static string PyRepr(string[] values) => Text.PyRepr.List(values);
}

/// <summary>A parsed Barman CSV option (<c>backup_options</c>, <c>recovery_options</c>), shown as Python shows the set.</summary>
internal sealed record CsvSetting(string ClassName, IReadOnlyList<string> Values)
{
    public override string ToString() =>
        Values.Count == 0 ? ClassName + "()" : ClassName + "({" + string.Join(", ", Values.Select(PyRepr.Str)) + "})";
}
