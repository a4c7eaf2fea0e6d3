namespace Barman.Core.Configuration;

/// <summary>
/// One server section, fully resolved (server → [barman] → default). Only <see cref="ServerBuilder"/>
/// makes one: every setting is set from its key of <see cref="ConfigKeys.Server"/>, where the defaults
/// live (the initializers below only satisfy the compiler).
/// </summary>
internal sealed record ServerConfig
{
    public required string Name { get; init; }
    public required GlobalConfig Global { get; init; }

    public bool Active { get; init; }
    /// <summary>Configuration errors that disable the server (Barman's <c>msg_list</c>).</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];
    public bool Disabled => Messages.Count > 0;

    public string? Description { get; init; }
    public string? Conninfo { get; init; }
    public string? StreamingConninfo { get; init; }
    public bool StreamingArchiver { get; init; }
    public bool Archiver { get; init; }
    public string? SlotName { get; init; }
    public CreateSlotMode CreateSlot { get; init; }
    /// <summary>Empty when the file sets it to none.</summary>
    public string StreamingArchiverName { get; init; } = "";
    public int StreamingArchiverBatchSize { get; init; }
    public int ArchiverBatchSize { get; init; }
    /// <summary>Ours: restart pg_receivewal inside receive-wal when the stream drops.</summary>
    public bool StreamingArchiverRestart { get; init; }
    /// <summary>Ours: receive-wal archives each completed segment in process.</summary>
    public bool ArchiveOnCompletion { get; init; }

    public string BackupDirectory { get; init; } = "";
    public string BasebackupsDirectory { get; init; } = "";
    public string WalsDirectory { get; init; } = "";
    public string IncomingWalsDirectory { get; init; } = "";
    public string StreamingWalsDirectory { get; init; } = "";
    public string ErrorsDirectory { get; init; } = "";
    /// <summary>Barman ≥ 3.13 <c>xlogdb_directory</c>; null keeps 3.4's <c>wals/xlog.db</c>.</summary>
    public string? XlogdbDirectory { get; init; }

    /// <summary>The six directories of Barman's conflict check, keys in name order: <c>backup_directory</c> and those in it.</summary>
    public IReadOnlyList<(string Key, string Path)> Directories =>
    [
        ("backup_directory", BackupDirectory),
        ("basebackups_directory", BasebackupsDirectory),
        ("errors_directory", ErrorsDirectory),
        ("incoming_wals_directory", IncomingWalsDirectory),
        ("streaming_wals_directory", StreamingWalsDirectory),
        ("wals_directory", WalsDirectory),
    ];

    /// <summary>Barman 3.18's <c>aws_region</c>, <c>aws_profile</c> and <c>aws_read_timeout</c> (seconds) for an S3 archive.</summary>
    public string? AwsRegion { get; init; }
    public string? AwsProfile { get; init; }
    public int AwsReadTimeout { get; init; }
    /// <summary>Ours: uploads in flight at once when the archive is an object store.</summary>
    public int ArchiveUploadJobs { get; init; }

    /// <summary>The object store holding the archive when <c>wals_directory</c> is a URL (null: a local directory, or a URL the validation refused).</summary>
    public ArchiveUrl? WalsUrl => ArchiveUrl.LooksLikeUrl(WalsDirectory) ? ArchiveUrl.Parse(WalsDirectory).Url : null;

    /// <summary>Whether <c>wals_directory</c> names an object store rather than a local directory.</summary>
    public bool WalsInObjectStore => ArchiveUrl.LooksLikeUrl(WalsDirectory);

    public string? PathPrefix { get; init; }
    /// <summary>gzip, bzip2, lz4, zstd, pygzip, pybzip2 (or null for none).</summary>
    public string? Compression { get; init; }
    public int? MaxIncomingWalsQueue { get; init; }
    public TimeSpan? LastWalMaximumAge { get; init; }
    public int CheckTimeout { get; init; }
    public int KeepaliveInterval { get; init; }
    /// <summary>Ours: seconds files may wait in a queue without a successful archive-wal run before check fails.</summary>
    public int MaxArchiveWalDelay { get; init; }
    /// <summary>Ours: check fails when the slot retains more than this many bytes.</summary>
    public long? MaxSlotLag { get; init; }
    public string? PrimarySshCommand { get; init; }
    public string BackupMethod { get; init; } = "";
    public string? SshCommand { get; init; }
    public string? PreArchiveScript { get; init; }
    public string? PostArchiveScript { get; init; }
    public string? PreArchiveRetryScript { get; init; }
    public string? PostArchiveRetryScript { get; init; }

    /// <summary>Keys accepted for compatibility but not used, as show-servers prints them (null: None).</summary>
    public IReadOnlyDictionary<string, string?> OtherSettings { get; init; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    public string LockDirectory => Global.LockDirectory;
    public bool Passive => !string.IsNullOrEmpty(PrimarySshCommand);

    /// <summary>
    /// Path of xlog.db: <c>wals/xlog.db</c> (3.4) or <c>&lt;xlogdb_directory&gt;/&lt;server&gt;-xlog.db</c> (3.13+).
    /// xlog.db is always local: with the archive on an object store and no xlogdb_directory it is
    /// <c>&lt;backup_directory&gt;/&lt;server&gt;-xlog.db</c>.
    /// </summary>
    public string XlogdbFile => XlogdbDirectory is { Length: > 0 } dir ? Path.Combine(dir, Name + "-xlog.db")
        : WalsInObjectStore ? Path.Combine(BackupDirectory, Name + "-xlog.db")
        : Path.Combine(WalsDirectory, "xlog.db");

    /// <summary>PATH used to find and run pg_receivewal and friends: path_prefix prepended.</summary>
    public string SearchPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
            return string.IsNullOrEmpty(PathPrefix) ? path : PathPrefix + ":" + path;
        }
    }
}
