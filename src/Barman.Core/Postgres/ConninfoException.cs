namespace Barman.Core.Postgres;

/// <summary>A conninfo string that cannot be parsed (Barman's <c>ConninfoException</c>).</summary>
internal sealed class ConninfoException(string message) : Exception(message);
