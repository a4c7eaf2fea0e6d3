using Barman.Core.Postgres;
using Npgsql;

namespace Barman.Tests.Streaming;

public sealed class ConninfoTests
{
    [Fact]
    public void Streaming_dsn_is_rebuilt_exactly_as_barman_does()
    {
        var conninfo = Conninfo.Parse("host=127.0.0.1 port=55432 user=streaming_barman");
        Assert.Equal(
            "dbname=replication host=127.0.0.1 options=-cdatestyle=iso port=55432 replication=true user=streaming_barman application_name=barman_receive_wal",
            conninfo.ToStreamingConnectionString("barman_receive_wal"));
    }

    [Fact]
    public void User_options_and_dbname_are_overwritten_and_application_name_kept_in_place()
    {
        var conninfo = Conninfo.Parse("user=u dbname=postgres options='-c x=y' application_name=mine host=h");
        Assert.Equal(
            "application_name=mine dbname=replication host=h options=-cdatestyle=iso replication=true user=u",
            conninfo.ToStreamingConnectionString("barman_receive_wal"));
    }

    [Fact]
    public void Quoted_values_with_spaces_and_escapes_round_trip()
    {
        // blanks around '=' are allowed; an unquoted value ends at a blank
        var conninfo = Conninfo.Parse("host = /tmp/sock   port= 5433");
        Assert.Equal("/tmp/sock", conninfo["host"]);
        Assert.Equal("5433", conninfo["port"]);
        var good = Conninfo.Parse(@"user='a b' application_name='x\'y\\z' password=''");
        Assert.Equal("a b", good["user"]);
        Assert.Equal(@"x'y\z", good["application_name"]);
        Assert.Equal("", good["password"]);
        Assert.Equal(@"user='a b' application_name='x\'y\\z' password=''", good.ToString());
        Assert.Equal(good.ToString(), Conninfo.Parse(good.ToString()).ToString());
    }

    [Fact]
    public void Invalid_key_value_strings_are_rejected()
    {
        Assert.Throws<ConninfoException>(() => Conninfo.Parse("host"));
        Assert.Throws<ConninfoException>(() => Conninfo.Parse("user='unterminated"));
        Assert.Throws<ConninfoException>(() => Conninfo.Parse("=x"));
    }

    [Fact]
    public void Uri_with_user_password_hosts_port_database_and_query_is_parsed()
    {
        var c = Conninfo.Parse("postgresql://stream%20er:p%40ss@db.example:5433/my%2Fdb?sslmode=require&application_name=app");
        Assert.Equal("stream er", c["user"]);
        Assert.Equal("p@ss", c["password"]);
        Assert.Equal("db.example", c["host"]);
        Assert.Equal("5433", c["port"]);
        Assert.Equal("my/db", c["dbname"]);
        Assert.Equal("require", c["sslmode"]);
        Assert.Equal("app", c["application_name"]);
        Assert.Equal(
            "application_name=app dbname=replication host=db.example options=-cdatestyle=iso password=p@ss port=5433 replication=true sslmode=require user='stream er'",
            c.ToStreamingConnectionString("barman_receive_wal"));
    }

    [Fact]
    public void Uri_with_ipv6_several_hosts_and_no_credentials()
    {
        var c = Conninfo.Parse("postgres://[::1]:5432,other:6543/");
        Assert.Equal("::1,other", c["host"]);
        Assert.Equal("5432,6543", c["port"]);
        Assert.Null(c["user"]);
        Assert.Null(c["dbname"]);
        Assert.Throws<ConninfoException>(() => Conninfo.Parse("postgresql://h:notaport/db"));
        Assert.Throws<ConninfoException>(() => Conninfo.Parse("postgresql://h/db?x"));
        Assert.Throws<ConninfoException>(() => Conninfo.Parse("postgresql://h/%zz"));
    }

    [Fact]
    public void Npgsql_connection_string_maps_libpq_keywords()
    {
        var c = Conninfo.Parse("host=/var/run/postgresql port=5433 user=u password='p w' dbname=d sslmode=disable connect_timeout=7 application_name=a passfile=/tmp/pgpass options=-cfoo=bar bogus=1");
        var b = new NpgsqlConnectionStringBuilder(c.ToNpgsqlConnectionString());
        Assert.Equal("/var/run/postgresql", b.Host);
        Assert.Equal(5433, b.Port);
        Assert.Equal("u", b.Username);
        Assert.Equal("p w", b.Password);
        Assert.Equal("d", b.Database);
        Assert.Equal(SslMode.Disable, b.SslMode);
        Assert.Equal(7, b.Timeout);
        Assert.Equal("a", b.ApplicationName);
        Assert.Equal("/tmp/pgpass", b.Passfile);
        Assert.Equal("-cfoo=bar", b.Options);
        Assert.False(b.Pooling);
    }
}
