namespace Barman.Core.Wal.Format;

/// <summary>
/// The fixed facts of PostgreSQL's WAL layout that the reader relies on (xlog_internal.h, xlogrecord.h,
/// rmgrlist.h); the same from PostgreSQL 10 to 17. WAL is read in the byte order of x86-64 (little-endian).
/// </summary>
internal static class XLog
{
    /// <summary>XLOG_BLCKSZ of every Debian/PGDG build.</summary>
    public const int DefaultBlockSize = 8192;

    /// <summary>SizeOfXLogShortPHD.</summary>
    public const int ShortPageHeaderSize = 24;

    /// <summary>SizeOfXLogLongPHD: the header of a segment's first page.</summary>
    public const int LongPageHeaderSize = 40;

    /// <summary>SizeOfXLogRecord.</summary>
    public const int RecordHeaderSize = 24;

    /// <summary>offsetof(XLogRecord, xl_crc): the header bytes the CRC covers, after the record's data.</summary>
    public const int RecordCrcOffset = 20;

    /// <summary>XLP_FIRST_IS_CONTRECORD: the page starts with the rest of a record begun on an earlier page.</summary>
    public const ushort FirstIsContRecord = 0x0001;

    /// <summary>XLP_LONG_HEADER.</summary>
    public const ushort LongHeader = 0x0002;

    /// <summary>XLP_FIRST_IS_OVERWRITE_CONTRECORD: the record begun before this page was abandoned at a crash.</summary>
    public const ushort FirstIsOverwriteContRecord = 0x0008;

    /// <summary>XLP_ALL_FLAGS: any other bit in xlp_info is invalid.</summary>
    public const ushort AllPageFlags = 0x000F;

    /// <summary>RM_XLOG_ID.</summary>
    public const byte XlogResourceManager = 0;

    /// <summary>XLOG_SWITCH (xl_info of RM_XLOG_ID without the XLR_INFO_MASK bits): the rest of the segment is unused.</summary>
    public const byte XlogSwitch = 0x40;

    /// <summary>XLR_INFO_MASK: the low bits of xl_info reserved for the record machinery.</summary>
    public const byte RecordInfoMask = 0x0F;

    /// <summary>RM_MAX_BUILTIN_ID (LogicalMessage, 21, since PostgreSQL 10).</summary>
    public const byte MaxBuiltinResourceManager = 21;

    /// <summary>RM_MIN_CUSTOM_ID (PostgreSQL 15+).</summary>
    public const byte MinCustomResourceManager = 128;

    /// <summary>MAXALIGN on x86-64.</summary>
    public static ulong MaxAlign(ulong value) => (value + 7) & ~7UL;

    /// <summary>RmgrIdIsValid of PostgreSQL 15: a built-in or a custom resource manager.</summary>
    public static bool IsValidResourceManager(byte rmid) => rmid <= MaxBuiltinResourceManager || rmid >= MinCustomResourceManager;

    public static bool IsSwitch(byte rmid, byte info) => rmid == XlogResourceManager && (info & ~RecordInfoMask) == XlogSwitch;
}
