using System.Diagnostics;
using Barman.Core.Logging;
using Barman.Core.Postgres;

namespace Barman.Core.Streaming;

/// <summary>A pg_receivewal (or pg_receivexlog) found on the search path and what <c>--version</c> said.</summary>
internal sealed record PgReceiveWalBinary(string Path, string VersionOutput, PgVersion? Version);

/// <summary>
/// Barman's <c>PostgreSQLClient.find_command</c> for pg_receivewal (spec §6.4): every PATH entry in
/// order, <c>pg_receivewal</c> before <c>pg_receivexlog</c>, the first candidate whose
/// <c>--version</c> exits 0 (this skips Debian's pg_wrapper when it cannot pick a cluster).
/// </summary>
internal static class PgReceiveWalLocator
{
    public static readonly IReadOnlyList<string> Alternatives = ["pg_receivewal", "pg_receivexlog"];

    /// <summary>Searches <paramref name="searchPath"/> (path_prefix already prepended); null when none works.</summary>
    public static async Task<PgReceiveWalBinary?> FindAsync(string searchPath, CancellationToken cancellationToken)
    {
        foreach (var dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in Alternatives)
            {
                var candidate = System.IO.Path.Combine(dir, name);
                if (!IsExecutableFile(candidate))
                    continue;
                var output = await RunVersionAsync(candidate, searchPath, cancellationToken);
                if (output is null)
                    continue;
                return new PgReceiveWalBinary(candidate, output, PgVersion.ParseClientVersion(output));
            }
        }
        return null;
    }

    /// <summary>
    /// Barman's rule: compatible iff the client's major release is not older than the server's
    /// (<c>9.2 &lt; server ≤ client</c>, or both exactly 9.2).
    /// </summary>
    public static bool IsCompatible(PgVersion server, PgVersion? client) =>
        client is not null
        && server.MajorNumber <= client.MajorNumber
        && (server.MajorNumber > 90200 || (server.MajorNumber == 90200 && client.MajorNumber == 90200));

    /// <summary>The name Barman uses in messages: pg_receivewal from PostgreSQL 10, pg_receivexlog before.</summary>
    public static string CommandLabel(PgVersion? server) => server is null || server.Number >= 100000 ? "pg_receivewal" : "pg_receivexlog";

    private static bool IsExecutableFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                return false;
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return (info.UnixFileMode & anyExecute) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<string?> RunVersionAsync(string path, string searchPath, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--version");
        psi.Environment["PATH"] = searchPath;
        try
        {
            using var process = Process.Start(psi)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill();
                return null;
            }
            var text = (await stdout).Trim();
            await stderr;
            BarmanLog.For("barman.command_wrappers").Debug("Command: {Path:l} --version -> {Code} {Out:l}", path, process.ExitCode, text);
            return process.ExitCode == 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
