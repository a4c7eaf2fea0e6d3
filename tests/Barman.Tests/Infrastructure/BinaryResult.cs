namespace Barman.Tests.Infrastructure;

/// <summary>Exit code, standard output as bytes, standard error as text.</summary>
public sealed record BinaryResult(int ExitCode, byte[] Out, string Err)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Out);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ({Out.Length} bytes)\n{(Out.Length < 2000 ? Text : "")}\n--- stderr\n{Err}";
}
