using Barman.Core.Configuration;
using Barman.Core.Text;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Configuration;

/// <summary>The parsers and Python-compatible formatting, value by value.</summary>
public sealed class ValueParsersTests
{
    [Theory]
    [InlineData("5", 5)]
    [InlineData("+5", 5)]
    [InlineData("-3", -3)]
    [InlineData(" 7 ", 7)]
    [InlineData("1_000", 1000)]
    [InlineData("007", 7)]
    public void Integers_parse_like_python_int(string text, int expected) =>
        Assert.Equal(expected, ValueParsers.ParseInt(text).Value);

    [Theory]
    [InlineData("1__0", "invalid literal for int() with base 10: '1__0'")]
    [InlineData("1.5", "invalid literal for int() with base 10: '1.5'")]
    [InlineData("ten", "invalid literal for int() with base 10: 'ten'")]
    [InlineData("it's", "invalid literal for int() with base 10: \"it's\"")]
    [InlineData("99999999999", "integer 99999999999 is out of range")]
    public void Bad_integers_give_python_reasons(string text, string reason) =>
        Assert.Equal(reason, ValueParsers.ParseInt(text).Error);

    [Theory]
    [InlineData("10", 10L)]
    [InlineData("2k", 2000L)]
    [InlineData("2 Ki", 2048L)]
    [InlineData("3M", 3000000L)]
    [InlineData("3Mi", 3145728L)]
    [InlineData("1G", 1000000000L)]
    [InlineData("1Gi", 1073741824L)]
    [InlineData("1T", 1000000000000L)]
    [InlineData("1Ti", 1099511627776L)]
    public void Si_suffixes_follow_parse_si_suffix(string text, long expected) =>
        Assert.Equal(expected, ValueParsers.ParseSiSuffix(text).Value);

    [Fact]
    public void Si_suffix_is_case_sensitive_and_empty_is_none()
    {
        Assert.Equal("Invalid value for a number 1 gi", ValueParsers.ParseSiSuffix("1 gi").Error);
        Assert.Equal(Parsed.Ok(null), ValueParsers.ParseSiSuffix(""));
    }

    [Fact]
    public void Csv_options_reject_conflicts_and_unknown_words()
    {
        var ctx = new ParseContext("backup_options", "[pg] section");
        Assert.Equal("BackupOptions({'concurrent_backup', 'external_configuration'})",
            ValueParsers.BackupOptions.Parse!("External_Configuration, concurrent_backup", ctx).Value!.ToString());
        Assert.Equal("Invalid configuration value 'exclusive_backup' for key backup_options in [pg] section: cannot contain both " +
            "'exclusive_backup' and 'concurrent_backup'.Configuration directive ignored.",
            ValueParsers.BackupOptions.Parse!("concurrent_backup,exclusive_backup", ctx).Error);
        Assert.Equal("Invalid configuration value 'fast' for key backup_options in [pg] section: Unknown option",
            ValueParsers.BackupOptions.Parse!("fast", ctx).Error);
    }

    [Theory]
    [InlineData(0.0, "0:00:00")]
    [InlineData(1.0, "1 day, 0:00:00")]
    [InlineData(31.0, "31 days, 0:00:00")]
    [InlineData(0.25, "6:00:00")]
    [InlineData(1.5, "1 day, 12:00:00")]
    public void Time_deltas_print_like_python(double days, string expected) =>
        Assert.Equal(expected, PyRepr.TimeDelta(TimeSpan.FromDays(days)));

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("both ' and \"", "'both \\' and \"'")]
    [InlineData("tab\tnew\nline\\", "'tab\\tnew\\nline\\\\'")]
    public void Strings_repr_like_python(string text, string expected) => Assert.Equal(expected, PyRepr.Str(text));

    [Fact]
    public void Real_path_resolves_symlinks_as_far_as_the_path_exists()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("real", "sub"));
        File.CreateSymbolicLink(dir.Combine("abs"), dir.Combine("real"));
        File.CreateSymbolicLink(dir.Combine("rel"), "abs/sub");
        Assert.Equal(dir.Combine("real", "sub", "missing", "x"), PathConflicts.RealPath(dir.Combine("rel", "missing", "x")));
        Assert.Equal(dir.Combine("real"), PathConflicts.RealPath(dir.Combine("abs") + "/"));
        Assert.Equal(dir.Combine("real"), PathConflicts.RealPath(dir.Combine("real", "sub", "..")));
    }
}
