using Barman.Core.Text;

namespace Barman.Tests.Foundation;

public sealed class RedactorTests
{
    [Theory]
    [InlineData("host=pg password=secret user=x", "host=pg password=*REDACTED* user=x")]
    [InlineData("password='a b c' host=pg", "password=*REDACTED* host=pg")]
    [InlineData("PASSWORD = abc", "PASSWORD = *REDACTED*")]
    [InlineData("postgresql://barman:topsecret@db:5432/postgres", "postgresql://barman:*REDACTED*@db:5432/postgres")]
    [InlineData("postgresql://db/postgres?password=pw&user=x", "postgresql://db/postgres?password=*REDACTED*&user=x")]
    [InlineData("no secrets here", "no secrets here")]
    public void Passwords_are_masked(string input, string expected) => Assert.Equal(expected, Redactor.Redact(input));
}
