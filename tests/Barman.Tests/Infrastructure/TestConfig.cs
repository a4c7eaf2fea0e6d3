using Barman.Core.Configuration;
using Barman.Core.Configuration.Parsing;

namespace Barman.Tests.Infrastructure;

/// <summary>
/// Settings for tests that call the core without a configuration file, built by the loader's own
/// code from the key table, so every default is the one a real file would get.
/// </summary>
internal static class TestConfig
{
    /// <summary><c>[barman]</c> with barman_home = <paramref name="home"/> and the test's user; file <c>home/barman.conf</c>; the rest defaults.</summary>
    public static GlobalConfig Global(string home) =>
        GlobalBuilder.Build(Path.Combine(home, "barman.conf"), key => key switch
        {
            "barman_home" => home,
            "barman_user" => Environment.UserName,
            _ => null,
        });

    /// <summary>A server section without keys: every setting is its default (no validation, nothing forced).</summary>
    public static ServerConfig Server(string name, GlobalConfig global) =>
        new ServerBuilder(new SectionReader(new RawConfig()), global, new RawSection(name)).Build().Server;
}
