using Barman.Core.Os;
using Barman.Core.Text;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ArchiveWal;

public sealed class PythonFloatTests
{
    // Expected strings produced by CPython 3.11 repr() of the same bit patterns.
    [Theory]
    [InlineData(0x41D954FC40000000UL, "1700000000.0")]
    [InlineData(0x41DAC14824F85D5AUL, "1795498131.8806977")]
    [InlineData(0x41DAC1482F0D9CDCUL, "1795498172.212699")]
    [InlineData(0x0000000000000000UL, "0.0")]
    [InlineData(0x8000000000000000UL, "-0.0")]
    [InlineData(0x3FF0000000000000UL, "1.0")]
    [InlineData(0x3FB999999999999AUL, "0.1")]
    [InlineData(0x3FD5555555555555UL, "0.3333333333333333")]
    [InlineData(0x4340000000000000UL, "9007199254740992.0")]
    [InlineData(0x4340000000000001UL, "9007199254740994.0")]
    [InlineData(0x430C6BF526340000UL, "1000000000000000.0")]
    [InlineData(0x4341C37937E08000UL, "1e+16")]
    [InlineData(0x434AA535D3D0C000UL, "1.5e+16")]
    [InlineData(0x437B69B4BA630F35UL, "1.2345678901234568e+17")]
    [InlineData(0x4341C37937E07FFFUL, "9999999999999998.0")]
    [InlineData(0x3F1A36E2EB1C432DUL, "0.0001")]
    [InlineData(0x3EE4F8B588E368F1UL, "1e-05")]
    [InlineData(0x3E8421F5F40D8376UL, "1.5e-07")]
    [InlineData(0x54B249AD2594C37DUL, "1e+100")]
    [InlineData(0x2B2BFF2EE48E0530UL, "1e-100")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x7FEFFFFFFFFFFFFFUL, "1.7976931348623157e+308")]
    [InlineData(0xC1DAC14824F85D5AUL, "-1795498131.8806977")]
    [InlineData(0x40C81CD6C8B43958UL, "12345.678")]
    [InlineData(0x4059000000000000UL, "100.0")]
    [InlineData(0x4480F0CF064DD592UL, "1e+22")]
    [InlineData(0x444B1AE4D6E2EF50UL, "1e+21")]
    [InlineData(0x41D921CA19C7A68FUL, "1686579303.119541")]
    [InlineData(0x41CE9A485A65EAFDUL, "1026855092.7962338")]
    [InlineData(0x41D34D37A550D42FUL, "1295310485.2629507")]
    [InlineData(0x41D278F7EDC996C7UL, "1239670711.1498277")]
    [InlineData(0x41DAAF488A870B1DUL, "1790779946.1100533")]
    [InlineData(0x41D9BA7556F2E5F7UL, "1726600539.795286")]
    [InlineData(0x41DD2D1095257A31UL, "1957970516.585583")]
    [InlineData(0x41D04ACC7828940EUL, "1093349856.6340365")]
    [InlineData(0x41D5A6E399822F20UL, "1453035110.0341263")]
    [InlineData(0x41CEC17E4D8CE09CUL, "1031994523.1006045")]
    [InlineData(0x41D2663D088FFD04UL, "1234760738.2498178")]
    [InlineData(0x41D6FCA1ED295ED3UL, "1542621108.6464126")]
    [InlineData(0x41CEA6C6F64D230EUL, "1028492780.6026323")]
    [InlineData(0x41D21522E2B1345AUL, "1213500298.7688203")]
    [InlineData(0x41D94C9FB8B031D7UL, "1697808098.753042")]
    [InlineData(0x41D79EC70F5CD445UL, "1585126461.450456")]
    [InlineData(0x41D26D9F3E1EDE92UL, "1236696312.4823346")]
    [InlineData(0x41D854545AD31DFCUL, "1632719211.298705")]
    [InlineData(0x41DBDA1FD8BBBCE5UL, "1869119330.9334042")]
    [InlineData(0x41CE02A1E3E84A29UL, "1006977991.8147632")]
    [InlineData(0x41DBCB553BCAF8C2UL, "1865241839.171433")]
    [InlineData(0x41DA1246B79D0AB6UL, "1749621470.4537787")]
    [InlineData(0x41D4585D0753185DUL, "1365341213.298362")]
    [InlineData(0x41D1638A930ECBD7UL, "1166944844.2311914")]
    [InlineData(0x41DB1DF81ED7216FUL, "1819795579.3614156")]
    [InlineData(0x41D08959BEC65F9AUL, "1109747451.099585")]
    [InlineData(0x41D4FAE127C6A574UL, "1407943839.1038485")]
    [InlineData(0x41D4A513A8FA3D47UL, "1385451171.90999")]
    [InlineData(0x41D4678A37297CDCUL, "1369319644.6482458")]
    [InlineData(0x41D3222CBA777727UL, "1284027113.8666475")]
    [InlineData(0x41CF31572C644B28UL, "1046654552.7835436")]
    [InlineData(0x41D640806664D96DUL, "1493303705.5757706")]
    [InlineData(0x41D0E5FC37BF6131UL, "1134031070.990307")]
    [InlineData(0x41D4F52C91056A45UL, "1406448196.0846112")]
    [InlineData(0x41D7BBDB0F1425A6UL, "1592749116.3147979")]
    [InlineData(0x41DC2BF0532B3326UL, "1890566476.6749969")]
    [InlineData(0x41D8CC2777BCD908UL, "1664130526.9507465")]
    [InlineData(0x41DCB03FAC18D9F3UL, "1925250736.3883026")]
    [InlineData(0x41D823881BCD36C7UL, "1619927151.2064683")]
    [InlineData(0x41DA2C9F9F04C7A1UL, "1756528252.0746844")]
    [InlineData(0xC12BB87E7722F858UL, "-908351.2326886756")]
    [InlineData(0xC1209B96E5BB99D4UL, "-544203.4486969062")]
    [InlineData(0xC119B5A04A8AFA7AUL, "-421224.0727957856")]
    [InlineData(0xC129A5C017A15525UL, "-840416.046152745")]
    [InlineData(0xC1204F24745DC62CUL, "-534418.2272779397")]
    [InlineData(0xC1285A5A4848D0E4UL, "-797997.1411805418")]
    [InlineData(0xC11B1A532CD49DB4UL, "-444052.7937798158")]
    [InlineData(0x411090238DDA7E6CUL, "271368.88852880034")]
    [InlineData(0xC1107FFE917821EAUL, "-270335.64205983153")]
    [InlineData(0xC10FB1B086B0729CUL, "-259638.06576623477")]
    [InlineData(0xC121BAF3E07D706BUL, "-580985.9384570246")]
    [InlineData(0xC11C71F16C7183B4UL, "-466044.3559017733")]
    [InlineData(0x412AA6BA59D14DD4UL, "873309.1754249879")]
    [InlineData(0x4112121B14FC2A80UL, "296070.770493187")]
    [InlineData(0x410AA4B017364490UL, "218262.0113339764")]
    [InlineData(0x445EB2032BCFBE01UL, "2.2649178661848553e+21")]
    [InlineData(0x1F55F6E5BAA80DD4UL, "9.998675478017235e-158")]
    [InlineData(0x3B2B57B929D4BEEFUL, "1.1308662895468973e-23")]
    [InlineData(0x228DA6796123FDF7UL, "3.0393519914222044e-142")]
    [InlineData(0x767337D1FD5166E6UL, "3.782208868715323e+262")]
    [InlineData(0x5815B0E2A3D70628UL, "2.1366681786226116e+116")]
    [InlineData(0x1C1C59938E944239UL, "2.8655906857303353e-173")]
    [InlineData(0x298218BFAF42E12FUL, "9.63186435698009e-109")]
    [InlineData(0x62581966D7C524A5UL, "5.551121309336422e+165")]
    [InlineData(0x0728F986C6A7EE39UL, "3.6067368822905745e-274")]
    public void Formats_like_python_repr(ulong bits, string expected) =>
        Assert.Equal(expected, PythonFloat.Format(BitConverter.UInt64BitsToDouble(bits)));

    [Fact]
    public void Special_values()
    {
        Assert.Equal("nan", PythonFloat.Format(double.NaN));
        Assert.Equal("inf", PythonFloat.Format(double.PositiveInfinity));
        Assert.Equal("-inf", PythonFloat.Format(double.NegativeInfinity));
    }

    // Python: repr(os.stat(p).st_mtime) after `touch -d @<sec>.<nsec> p`.
    [Theory]
    [InlineData(1795498131L, 880697700u, "1795498131.8806977")]
    [InlineData(1700000000L, 0u, "1700000000.0")]
    [InlineData(1795498172L, 212699000u, "1795498172.212699")]
    [InlineData(1795498391L, 24704700u, "1795498391.0247047")]
    [InlineData(1234567890L, 123456789u, "1234567890.1234567")]
    [InlineData(1999999999L, 999999999u, "2000000000.0")]
    public void File_mtime_is_written_as_python_st_mtime(long seconds, uint nanoseconds, string expected)
    {
        using var dir = new TempDir();
        var path = dir.Write("f", "x");
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
            FileCalls.SetTimes(fs.SafeFileHandle, new FileStatus(0, seconds, nanoseconds, 0, FileStatusKind.Regular, 0));
        var status = FileCalls.Lstat(path)!.Value;
        Assert.Equal(seconds, status.MtimeSeconds);
        Assert.Equal(nanoseconds, status.MtimeNanoseconds);
        Assert.Equal(expected, PythonFloat.Format(status.PythonMtime));
    }
}
