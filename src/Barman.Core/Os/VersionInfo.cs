using System.Reflection;

namespace Barman.Core.Os;

internal static class VersionInfo
{
    public static string Version { get; } =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary><c>barman --version</c>, shaped like Barman's.</summary>
    public static string Banner => $"{Version} Barman for .NET (Barman-compatible WAL streaming and archiving)";
}
