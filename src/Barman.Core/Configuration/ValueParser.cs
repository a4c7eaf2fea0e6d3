namespace Barman.Core.Configuration;

/// <summary>Where a value comes from, for parsers whose message names it (Barman's CSV options).</summary>
internal sealed record ParseContext(string Key, string Source);

/// <summary>The outcome of parsing one value: the value, or Barman's reason for ignoring it.</summary>
internal readonly record struct Parsed(object? Value, string? Error)
{
    public static Parsed Ok(object? value) => new(value, null);
    public static Parsed Fail(string reason) => new(null, reason);
}

/// <summary>
/// How a key's text becomes a value. <see cref="Parse"/> null means "no parser" (Barman keeps the
/// string: <c>none</c>/empty then mean None and block inheritance). A parser returning
/// <see cref="ExplicitNone"/> keeps that "no inheritance" meaning for keys we parse but Barman did not.
/// </summary>
internal sealed record ValueParser(string TypeName, Func<string, ParseContext, Parsed>? Parse)
{
    /// <summary>A parsed "none": stops inheritance and resolves to null (Barman's empty-string rule).</summary>
    public static readonly object ExplicitNone = "";
}
