using Barman.Core.Postgres;
using Barman.Core.Streaming;
using Barman.Core.Wal;

namespace Barman.Tests.Streaming;

public sealed class PgVersionTests
{
    [Theory]
    [InlineData("pg_receivewal (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", 150018, "15")]
    [InlineData("pg_receivewal (PostgreSQL) 16devel", 160000, "16")]
    [InlineData("pg_receivewal (PostgreSQL) 17beta2", 170000, "17")]
    [InlineData("pg_receivexlog (PostgreSQL) 9.6.24", 90624, "9.6")]
    [InlineData("pg_receivewal (PostgreSQL) 1:15.3-1.pgdg120+1", 150003, "15")]
    [InlineData("pg_receivewal (PostgreSQL) 14.10 (Ubuntu 14.10-0ubuntu0.22.04.1)", 140010, "14")]
    [InlineData("pg_receivewal (PostgreSQL) 12rc1", 120000, "12")]
    public void Client_versions_are_parsed(string output, int number, string major)
    {
        var v = PgVersion.ParseClientVersion(output);
        Assert.NotNull(v);
        Assert.Equal(number, v.Number);
        Assert.Equal(major, v.Major);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pg_receivewal: command not found")]
    [InlineData(null)]
    public void Garbage_gives_no_version(string? output) => Assert.Null(PgVersion.ParseClientVersion(output));

    [Fact]
    public void Server_version_num_is_parsed()
    {
        Assert.Equal("15.18", PgVersion.ParseServerVersionNum("150018")!.Full);
        Assert.Equal("9.6.24", PgVersion.ParseServerVersionNum("90624")!.Full);
        Assert.Equal("9.6", PgVersion.ParseServerVersionNum("90624")!.Major);
        Assert.Null(PgVersion.ParseServerVersionNum("abc"));
    }

    [Theory]
    [InlineData(150018, 150002, true)]
    [InlineData(150018, 160000, true)]
    [InlineData(160001, 150018, false)]
    [InlineData(90624, 90600, true)]
    [InlineData(100000, 90624, false)]
    public void Client_must_not_be_older_than_server(int server, int client, bool compatible) =>
        Assert.Equal(compatible, PgReceiveWalLocator.IsCompatible(new PgVersion(server), new PgVersion(client)));

    [Theory]
    [InlineData("", "barman_receive_wal", false)]
    [InlineData("*", "barman_receive_wal", true)]
    [InlineData("barman_receive_wal", "barman_receive_wal", true)]
    [InlineData("FIRST 1 (s1, \"barman_receive_wal\")", "barman_receive_wal", true)]
    [InlineData("ANY 2 (s1,s2)", "barman_receive_wal", false)]
    [InlineData("Barman_Receive_Wal", "barman_receive_wal", false)]
    public void Synchronous_standby_names_matching(string setting, string name, bool expected) =>
        Assert.Equal(expected, SynchronousStandbyNames.Includes(setting, name));

    [Fact]
    public void Lsn_on_a_segment_boundary_names_the_next_segment()
    {
        Assert.Equal("000000010000000000000006", WalFileName.FromLsn(0x6000000, 1, 16 << 20));
        Assert.Equal("000000010000000000000005", WalFileName.FromLsn(0x5FFFFFF, 1, 16 << 20));
        Assert.Equal("0000000200000001000000FF", WalFileName.FromLsn(0x1_FF00_0000, 2, 16 << 20));
    }
}
