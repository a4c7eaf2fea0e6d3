namespace Barman.Core.Output;

/// <summary>
/// Everything the core tells the operator goes through here (never the console directly).
/// Mirrors Barman's <c>barman.output</c> module: messages, check results, listings; the writer
/// decides the format (console, json, nagios) and the exit code.
/// </summary>
internal interface IOutput
{
    void Info(string message);
    /// <summary>Barman's <c>output.info(..., log=False)</c>: shown but not written to the log.</summary>
    void Info(string message, bool log) => Info(message);
    void Warning(string message);
    void Error(string message);
    void Exception(string message);
    void Debug(string message);

    /// <summary>Starts the check block of one server (console: <c>Server pg:</c>).</summary>
    void InitCheck(string server, bool active, bool disabled);
    /// <summary>One check item; a failure on an active server makes the run fail.</summary>
    void ResultCheck(string server, string check, bool ok, string? hint = null);
    /// <summary>
    /// Sizes reported with a server's checks (nagios perfdata <c>&lt;srv&gt;=&lt;n&gt;B &lt;srv&gt;_wals=&lt;n&gt;B</c>):
    /// the backups' size (always 0 here: this tool manages WAL only) and the archived WAL size.
    /// </summary>
    void ResultPerfData(string server, long backupBytes, long walBytes)
    {
    }

    /// <summary>One line of list-servers.</summary>
    void ResultListServer(string name, string? description, string suffix);
    /// <summary>Starts the status block of one server.</summary>
    void InitStatus(string server);
    void ResultStatus(string server, string key, string label, string value);
    /// <summary>One server of show-servers: every key with its value, already sorted.</summary>
    void ResultShowServer(string server, IReadOnlyList<KeyValuePair<string, string>> values);
    /// <summary>show-servers with Barman's header mark (<c>Server pg (inactive):</c>); writers that ignore it fall back to the plain form.</summary>
    void ResultShowServer(string server, string? mark, IReadOnlyList<KeyValuePair<string, string>> values) => ResultShowServer(server, values);

    /// <summary>
    /// A verb's report on one server (verify-wal): the console prints <paramref name="lines"/>, the JSON writer
    /// puts <paramref name="document"/> under the server's key.
    /// </summary>
    void ResultReport(string server, IReadOnlyList<string> lines, IReadOnlyDictionary<string, object?> document)
    {
        foreach (var line in lines)
            Info(line);
    }

    /// <summary>
    /// One server of replication-status: the console prints <paramref name="lines"/> (Barman's layout),
    /// the JSON writer puts <paramref name="fields"/> under the server (Barman's structured object).
    /// </summary>
    void ResultReplicationStatus(string server, IReadOnlyList<string> lines, IReadOnlyDictionary<string, object?> fields)
    {
        foreach (var line in lines)
            Info(line);
    }

    /// <summary>A view of this writer whose messages are logged under <paramref name="loggerName"/> (e.g. <c>barman.server</c>).</summary>
    IOutput ForLogger(string loggerName);

    bool ErrorOccurred { get; }
    /// <summary>Exit code used when an error occurred (Barman: 1; nagios 2; get-wal bad name 3).</summary>
    int ErrorExitCode { get; set; }
    /// <summary>Flushes what the writer buffered (json, nagios) and returns the process exit code.</summary>
    int Close();
}
