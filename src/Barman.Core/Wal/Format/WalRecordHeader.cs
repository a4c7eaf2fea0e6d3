using System.Buffers.Binary;

namespace Barman.Core.Wal.Format;

/// <summary>An XLogRecord header (24 bytes, at a MAXALIGNed position).</summary>
internal readonly record struct WalRecordHeader(uint TotalLength, uint Xid, ulong Previous, byte Info, byte ResourceManager, uint Crc)
{
    public bool IsSwitch => XLog.IsSwitch(ResourceManager, Info);

    public static WalRecordHeader Read(ReadOnlySpan<byte> header) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(header),
        BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
        BinaryPrimitives.ReadUInt64LittleEndian(header[8..]),
        header[16],
        header[17],
        BinaryPrimitives.ReadUInt32LittleEndian(header[20..]));
}
