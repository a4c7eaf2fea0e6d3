using Barman.Tests.Infrastructure;

namespace Barman.Tests.ReadSide;

/// <summary>
/// What Barman's client scripts (Debian's barman-cli) reach over ssh, run locally: a directory to put
/// first on PATH with an <c>ssh</c> that drops ssh's options and the <c>user@host</c> word and hands
/// the rest to <c>sh -c</c> (as sshd gives the remote command line to the user's shell), and a
/// <c>barman</c> that is this project's executable.
/// </summary>
internal sealed class SshStandIn
{
    public SshStandIn(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        Write("ssh", """
            #!/bin/sh
            while [ $# -gt 0 ]; do
              case "$1" in
                -p|-o|-i|-l) shift 2 ;;
                -*) shift ;;
                *) shift; break ;;
              esac
            done
            exec sh -c "$*"
            """);
        Write("barman", $"#!/bin/sh\nexec '{CliRunner.ExecutablePath}' \"$@\"\n");
    }

    public string Directory { get; }

    /// <summary>The environment of a client script: PATH starting with the stand-ins.</summary>
    public Dictionary<string, string> Environment => new() { ["PATH"] = $"{Directory}:{System.Environment.GetEnvironmentVariable("PATH")}" };

    private void Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
    }
}
