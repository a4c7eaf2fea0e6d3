namespace Barman.Core.Configuration;

/// <summary>
/// A configuration problem that stops every command. <see cref="Exception.Message"/> is printed as is (one
/// line, or Barman's exact multi-line text); <see cref="Prefix"/> is what precedes it on stderr.
/// </summary>
internal sealed class ConfigurationException : Exception
{
    public ConfigurationException(string message, string prefix = "ERROR: ")
        : base(message) => Prefix = prefix;

    public ConfigurationException(string message, Exception inner, string prefix = "ERROR: ")
        : base(message, inner) => Prefix = prefix;

    public ConfigurationException()
        : this("configuration error")
    {
    }

    public ConfigurationException(string message)
        : this(message, "ERROR: ")
    {
    }

    public ConfigurationException(string message, Exception inner)
        : this(message, inner, "ERROR: ")
    {
    }

    /// <summary><c>ERROR: </c>, <c>FATAL: </c> or empty (Barman prints some of these bare).</summary>
    public string Prefix { get; }
}
