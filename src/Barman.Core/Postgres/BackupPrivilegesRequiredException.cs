namespace Barman.Core.Postgres;

/// <summary>The role lacks what Barman calls backup privileges (Barman's <c>BackupFunctionsAccessRequired</c>).</summary>
internal sealed class BackupPrivilegesRequiredException(string user)
    : Exception($"Postgres user '{user}' is missing required privileges (see \"Preliminary steps\" in the Barman manual)");
