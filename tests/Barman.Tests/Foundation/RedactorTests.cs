using Barman.Core.Postgres;
using Barman.Core.Text;

namespace Barman.Tests.Foundation;

public sealed class RedactorTests
{
    [Theory]
    [InlineData("host=pg password=secret user=x", "host=pg password=*REDACTED* user=x")]
    [InlineData("password='a b c' host=pg", "password=*REDACTED* host=pg")]
    [InlineData(@"password='it\'s SECRET' host=pg", "password=*REDACTED* host=pg")]
    [InlineData("PASSWORD = abc", "PASSWORD = *REDACTED*")]
    // libpq reads an unterminated quoted value to the end of the string: so does the mask.
    [InlineData("host=x password='pfx TAILWORD", "host=x password=*REDACTED*")]
    [InlineData("host=x password='pfx TAILWORD\\", "host=x password=*REDACTED*")]
    [InlineData("postgresql://barman:topsecret@db:5432/postgres", "postgresql://barman:*REDACTED*@db:5432/postgres")]
    [InlineData("postgresql://barman:p%40ssw0rdSECRET@host/db", "postgresql://barman:*REDACTED*@host/db")]
    [InlineData("postgres://barman:pa:ss@h1:5432,h2/db", "postgres://barman:*REDACTED*@h1:5432,h2/db")]
    [InlineData("postgresql://db/postgres?password=pw&user=x", "postgresql://db/postgres?password=*REDACTED*&user=x")]
    [InlineData("postgresql://db/postgres?user=x&password=p%26w", "postgresql://db/postgres?user=x&password=*REDACTED*")]
    [InlineData("http://host:8080/path@x", "http://host:8080/path@x")]
    [InlineData("no secrets here", "no secrets here")]
    public void Passwords_are_masked(string input, string expected) => Assert.Equal(expected, Redactor.Redact(input));

    [Theory]
    [InlineData("postgresql://barman:p%40ssw0rdSECRET@host/db", "%40", "*REDACTED*@host/db")]
    [InlineData("host=h password=ab%cdSECRET user=u", "%cd", "*REDACTED* user=u")]
    [InlineData("host=h password='ab %cd SECRET' user=u", "%cd", "*REDACTED* user=u")]
    [InlineData("host=h password='ab %cd SECRET TAILWORD", "%cd", "*REDACTED*")]
    [InlineData("host=h%x password=SECRET", "%x", "%x password=*REDACTED*")]
    [InlineData("host=h password=SECRET port=5%", "5%", "5%")]
    public void A_fragment_is_redacted_as_part_of_the_whole_value(string text, string from, string expected) =>
        Assert.Equal(expected, Redactor.RedactFragment(text, text.IndexOf(from, StringComparison.Ordinal)));

    [Theory]
    [InlineData("host=x password='pfx TAILWORD")]
    [InlineData("host=x password=pfx TAILWORD")]
    [InlineData("postgresql://barman:p%zzSECRET@host/db")]
    [InlineData("postgresql://host/db?password=p%zzSECRET")]
    [InlineData("postgresql://barman:SECRET%00@host/db")]
    public void Conninfo_errors_never_quote_a_password(string conninfo)
    {
        var error = Assert.Throws<ConninfoException>(() => Conninfo.Parse(conninfo));
        Assert.DoesNotContain("TAILWORD", error.Message);
        Assert.DoesNotContain("SECRET", error.Message);
        Assert.Contains("is not a valid connection string", error.Message);
    }
}
