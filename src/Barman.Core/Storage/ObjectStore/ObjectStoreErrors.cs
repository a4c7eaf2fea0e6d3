using System.Net.Sockets;
using System.Security.Authentication;

namespace Barman.Core.Storage.ObjectStore;

/// <summary>What both drivers share when they classify a failure: HTTP statuses, and failures below HTTP.</summary>
internal static class ObjectStoreErrors
{
    /// <summary>A refusal with an HTTP status; <paramref name="kind"/> overrides the status's usual meaning (a provider's special error code).</summary>
    public static ObjectStoreException FromStatus(int status, string? code, string store, string action, Exception inner, ObjectStoreErrorKind? kind = null)
    {
        var cause = string.IsNullOrEmpty(code) ? $"{status}" : $"{status} {code}";
        var k = kind ?? status switch
        {
            404 => ObjectStoreErrorKind.NotFound,
            412 => ObjectStoreErrorKind.AlreadyExists,
            401 or 403 => ObjectStoreErrorKind.AccessDenied,
            408 or 429 or >= 500 => ObjectStoreErrorKind.Transient,
            _ => ObjectStoreErrorKind.Failed,
        };
        var what = k switch
        {
            ObjectStoreErrorKind.NotFound => $"not found ({cause})",
            ObjectStoreErrorKind.AlreadyExists => $"an object is already there ({cause})",
            ObjectStoreErrorKind.AccessDenied => $"access denied ({cause}): check the credentials and the permissions",
            ObjectStoreErrorKind.Transient => $"the store is failing, busy or throttling ({cause})",
            _ => $"refused ({cause})",
        };
        return new ObjectStoreException(k, store, $"{action}: {what}", inner);
    }

    /// <summary>An <see cref="ObjectStoreErrorKind.Unreachable"/> exception when <paramref name="e"/> (or what it wraps) is a network failure, else null.</summary>
    public static ObjectStoreException? FromNetwork(Exception e, string store, string action)
    {
        var chain = Chain(e).ToList();
        // callers classify only when their own token was not cancelled: a cancellation here is a timeout
        var timedOut = chain.Any(x => x is TimeoutException or OperationCanceledException or SocketException { SocketErrorCode: SocketError.OperationAborted });
        var cause = (timedOut ? "no answer in time" : null)
            ?? chain.OfType<SocketException>().Select(SocketCause).FirstOrDefault()
            ?? chain.OfType<AuthenticationException>().Select(a => "TLS handshake failed: " + FirstLine(a.Message)).FirstOrDefault()
            ?? (chain.LastOrDefault(x => x is HttpRequestException or IOException) is { } io ? FirstLine(io.Message) : null);
        return cause is null ? null : new ObjectStoreException(ObjectStoreErrorKind.Unreachable, store, $"{action}: store unreachable: {cause}", e);
    }

    /// <summary>Anything else: a refusal nobody can fix by waiting.</summary>
    public static ObjectStoreException Other(Exception e, string store, string action, ObjectStoreErrorKind kind = ObjectStoreErrorKind.Failed, string? what = null) =>
        new(kind, store, $"{action}: {what}{FirstLine(e.Message)}", e);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? cur = e; cur is not null; cur = cur is AggregateException agg ? agg.InnerExceptions[^1] : cur.InnerException)
            yield return cur;
    }

    private static string SocketCause(SocketException s) => s.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => "connection timed out",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
        SocketError.ConnectionReset => "connection reset",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "no route to host",
        _ => FirstLine(s.Message),
    };
}
