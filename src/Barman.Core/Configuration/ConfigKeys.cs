using System.Globalization;
using Barman.Core.Logging;
using Barman.Core.Text;

namespace Barman.Core.Configuration;

/// <summary>
/// Every configuration key we know, in Barman 3.4's resolution order (<c>ServerConfig.KEYS</c>, then
/// the keys later Barman releases and we added). This one table drives parsing, inheritance,
/// validation warnings, <c>show-servers</c> and docs/configuration.md.
/// </summary>
internal static class ConfigKeys
{
    private const string Compat = "Accepted for compatibility, not used.";

    /// <summary>The <c>[barman]</c>-only keys, in resolution order (a default may name an earlier key).</summary>
    public static IReadOnlyList<ConfigKey> Global { get; } =
    [
        G<string>("barman_home", null, "Main data directory; every server's backup_directory defaults to `<barman_home>/<name>`. Required.",
            (g, v) => g with { BarmanHome = v }),
        G<string>("barman_lock_directory", "%(barman_home)s", "Directory of the lock files (`.<server>-receive-wal.lock`...).",
            (g, v) => g with { LockDirectory = v }),
        G<string>("barman_user", "barman", "OS user barman runs as: root drops privileges to it, any other user must be it.",
            (g, v) => g with { BarmanUser = v }),
        G<string?>("log_file", null, "Log file (reopened when rotated); none: log to standard error.",
            (g, v) => g with { LogFile = v }),
        G<string>("log_level", "INFO", "Log level: " + string.Join(", ", LogLevels.Names.SkipLast(1)) + " or " + LogLevels.Names[^1] + " (NOTSET logs everything; `--log-level` overrides it).",
            (g, v) => g with { LogLevel = v }),
        G<string>("log_format", "%(asctime)s [%(process)s] %(name)s %(levelname)s: %(message)s",
            "Log line format (Python logging style). Barman 3.4 reads it but warns that it is an invalid option; we accept it silently.",
            (g, v) => g with { LogFormat = v }),
        G<string?>("metrics_file", null,
            "Ours. Set: `cron` writes the Prometheus metrics of every active server there at each run (as `barman metrics --output-file`), replaced atomically, mode 0644; point it into node_exporter's textfile directory (a `.prom` name).",
            (g, v) => g with { MetricsFile = v }),
        G<string?>("configuration_files_directory", null,
            "Directory whose `*.conf` (INI) and `*.toml` files are read after this file, in sorted order; they may not change [barman]. A relative path is relative to this file.",
            (g, v) => g with { ConfigurationFilesDirectory = v }),
    ];

    /// <summary>The server keys (scope server or both) in resolution order.</summary>
    public static IReadOnlyList<ConfigKey> Server { get; } =
    [
        K("active", ConfigScope.Server, ValueParsers.Boolean, "true", "false: the server is inactive (listed with `(inactive)`, skipped by most commands).",
            (s, v) => s with { Active = v }, s => s.Active),
        K("archiver", ConfigScope.Both, ValueParsers.Boolean, "off",
            "Archive WAL files shipped by PostgreSQL's archive_command into incoming_wals_directory. Forced on (with a warning) when both archivers are off.",
            (s, v) => s with { Archiver = v }, s => s.Archiver),
        K("archiver_batch_size", ConfigScope.Both, ValueParsers.Integer, "0", "Files archived per archive-wal run from incoming (0: all).",
            (s, v) => s with { ArchiverBatchSize = v }, s => s.ArchiverBatchSize),
        C("backup_compression", ConfigScope.Both, ValueParsers.BackupCompression),
        C("backup_compression_format", ConfigScope.Both, ValueParsers.BackupCompressionFormat),
        C("backup_compression_level", ConfigScope.Both, ValueParsers.Integer),
        C("backup_compression_location", ConfigScope.Both, ValueParsers.BackupCompressionLocation),
        C("backup_compression_workers", ConfigScope.Both, ValueParsers.Integer),
        K("backup_directory", ConfigScope.Server, ValueParsers.Path, "%(barman_home)s/%(name)s", "Root directory of the server's data.",
            (s, v) => s with { BackupDirectory = v }, s => s.BackupDirectory),
        K("backup_method", ConfigScope.Both, ValueParsers.BackupMethod, "rsync",
            "rsync, postgres, local-rsync or snapshot. Backups are not implemented; it only matters for configuration checks: rsync needs ssh_command, use postgres for streaming-only setups.",
            (s, v) => s with { BackupMethod = v }, s => s.BackupMethod),
        C("backup_options", ConfigScope.Both, ValueParsers.BackupOptions, ""),
        C("bandwidth_limit", ConfigScope.Both, ValueParsers.None),
        C("basebackup_retry_sleep", ConfigScope.Both, ValueParsers.Integer, "30"),
        C("basebackup_retry_times", ConfigScope.Both, ValueParsers.Integer, "0"),
        K("basebackups_directory", ConfigScope.Server, ValueParsers.Path, "%(backup_directory)s/base", "Base backups directory (created by check; otherwise unused).",
            (s, v) => s with { BasebackupsDirectory = v }, s => s.BasebackupsDirectory),
        K("check_timeout", ConfigScope.Both, ValueParsers.Integer, "30", "Seconds allowed for the whole `check` of one server.",
            (s, v) => s with { CheckTimeout = v }, s => s.CheckTimeout),
        K("compression", ConfigScope.Both, ValueParsers.Compression, null,
            "WAL compression: " + string.Join(", ", ValueParsers.CompressionAlgorithms) + "; none/empty: no compression. Other values (pigz, custom...) are ignored with a warning.",
            (s, v) => s with { Compression = v }, s => s.Compression),
        K("conninfo", ConfigScope.Server, ValueParsers.None, null, "libpq connection string (key=value or URI) of the PostgreSQL server. Required unless passive.",
            (s, v) => s with { Conninfo = v }, s => s.Conninfo),
        C("custom_compression_filter", ConfigScope.Both, ValueParsers.None),
        C("custom_decompression_filter", ConfigScope.Both, ValueParsers.None),
        C("custom_compression_magic", ConfigScope.Both, ValueParsers.None),
        K("description", ConfigScope.Server, ValueParsers.None, null, "Free text shown by list-servers.",
            (s, v) => s with { Description = v }, s => s.Description),
        new ConfigKey
        {
            Name = "disabled", Scope = ConfigScope.Server, Parser = ValueParsers.Boolean, Default = "false", Fixed = true,
            Doc = "Set internally when the configuration has errors; a value in the file is ignored.",
            Show = s => PyRepr.Bool(s.Disabled),
        },
        K("errors_directory", ConfigScope.Server, ValueParsers.Path, "%(backup_directory)s/errors", "Where unknown and duplicate WAL files are moved.",
            (s, v) => s with { ErrorsDirectory = v }, s => s.ErrorsDirectory),
        C("forward_config_path", ConfigScope.Both, ValueParsers.Boolean, "false"),
        C("immediate_checkpoint", ConfigScope.Both, ValueParsers.Boolean, "false"),
        K("incoming_wals_directory", ConfigScope.Server, ValueParsers.Path, "%(backup_directory)s/incoming", "Where archive_command (put-wal, rsync) drops WAL files.",
            (s, v) => s with { IncomingWalsDirectory = v }, s => s.IncomingWalsDirectory),
        C("last_backup_maximum_age", ConfigScope.Both, ValueParsers.Interval),
        C("last_backup_minimum_size", ConfigScope.Both, ValueParsers.SiSize),
        K("last_wal_maximum_age", ConfigScope.Both, ValueParsers.Interval, null, "check fails when the newest archived WAL is older than this (`N day|week|month|hour[s]`).",
            (s, v) => s with { LastWalMaximumAge = v }, s => s.LastWalMaximumAge),
        K("max_incoming_wals_queue", ConfigScope.Both, ValueParsers.Integer, null, "check fails when more WAL files than this wait in incoming/streaming.",
            (s, v) => s with { MaxIncomingWalsQueue = v }, s => s.MaxIncomingWalsQueue),
        C("minimum_redundancy", ConfigScope.Both, ValueParsers.None, "0"),
        C("network_compression", ConfigScope.Both, ValueParsers.Boolean, "false"),
        C("parallel_jobs", ConfigScope.Both, ValueParsers.Integer, "1"),
        K("path_prefix", ConfigScope.Both, ValueParsers.Path, null, "Directories prepended to PATH to find pg_receivewal and the compressors.",
            (s, v) => s with { PathPrefix = v }, s => s.PathPrefix),
        K("post_archive_retry_script", ConfigScope.Both, ValueParsers.None, null, "Shell command run after each WAL file (archived, duplicate or failed), re-run until it exits 0, 62 or 63.",
            (s, v) => s with { PostArchiveRetryScript = v }, s => s.PostArchiveRetryScript),
        K("post_archive_script", ConfigScope.Both, ValueParsers.None, null, "Shell command run after each WAL file (archived, duplicate or failed), after post_archive_retry_script.",
            (s, v) => s with { PostArchiveScript = v }, s => s.PostArchiveScript),
        C("post_backup_retry_script", ConfigScope.Both, ValueParsers.None),
        C("post_backup_script", ConfigScope.Both, ValueParsers.None),
        C("post_delete_script", ConfigScope.Both, ValueParsers.None),
        C("post_delete_retry_script", ConfigScope.Both, ValueParsers.None),
        C("post_recovery_retry_script", ConfigScope.Both, ValueParsers.None),
        C("post_recovery_script", ConfigScope.Both, ValueParsers.None),
        C("post_wal_delete_script", ConfigScope.Both, ValueParsers.None),
        C("post_wal_delete_retry_script", ConfigScope.Both, ValueParsers.None),
        K("pre_archive_retry_script", ConfigScope.Both, ValueParsers.None, null, "Shell command run before each WAL file is archived, re-run until it exits 0, 62 or 63 (63: stop archiving there).",
            (s, v) => s with { PreArchiveRetryScript = v }, s => s.PreArchiveRetryScript),
        K("pre_archive_script", ConfigScope.Both, ValueParsers.None, null, "Shell command run before each WAL file is archived, before pre_archive_retry_script.",
            (s, v) => s with { PreArchiveScript = v }, s => s.PreArchiveScript),
        C("pre_backup_retry_script", ConfigScope.Both, ValueParsers.None),
        C("pre_backup_script", ConfigScope.Both, ValueParsers.None),
        C("pre_delete_script", ConfigScope.Both, ValueParsers.None),
        C("pre_delete_retry_script", ConfigScope.Both, ValueParsers.None),
        C("pre_recovery_retry_script", ConfigScope.Both, ValueParsers.None),
        C("pre_recovery_script", ConfigScope.Both, ValueParsers.None),
        C("pre_wal_delete_script", ConfigScope.Both, ValueParsers.None),
        C("pre_wal_delete_retry_script", ConfigScope.Both, ValueParsers.None),
        C("primary_conninfo", ConfigScope.Server, ValueParsers.None),
        K("primary_ssh_command", ConfigScope.Both, ValueParsers.None, null, "Set: this is a passive node fed by another Barman (no PostgreSQL connection, no archivers).",
            (s, v) => s with { PrimarySshCommand = v }, s => s.PrimarySshCommand),
        C("recovery_options", ConfigScope.Both, ValueParsers.RecoveryOptions, ""),
        C("recovery_staging_path", ConfigScope.Both, ValueParsers.AbsolutePath),
        K("create_slot", ConfigScope.Both, ValueParsers.CreateSlot, "manual", "auto: receive-wal creates the replication slot when it is missing.",
            (s, v) => s with { CreateSlot = v }, s => s.CreateSlot),
        C("retention_policy", ConfigScope.Both, ValueParsers.None),
        C("retention_policy_mode", ConfigScope.Both, ValueParsers.None, "auto"),
        C("reuse_backup", ConfigScope.Both, ValueParsers.ReuseBackup),
        K("slot_name", ConfigScope.Both, ValueParsers.Slot, null,
            "Replication slot used by receive-wal (lower-cased; only a-z, 0-9, _). Required when streaming_archiver is on and archiver off.",
            (s, v) => s with { SlotName = v }, s => s.SlotName),
        C("snapshot_disks", ConfigScope.Server, ValueParsers.SnapshotDisks),
        C("snapshot_gcp_project", ConfigScope.Both, ValueParsers.None),
        C("snapshot_instance", ConfigScope.Server, ValueParsers.None),
        C("snapshot_provider", ConfigScope.Both, ValueParsers.None),
        C("snapshot_zone", ConfigScope.Server, ValueParsers.None),
        K("ssh_command", ConfigScope.Server, ValueParsers.None, null, "SSH command to reach the PostgreSQL host; required by backup_method = rsync.",
            (s, v) => s with { SshCommand = v }, s => s.SshCommand),
        K("streaming_archiver", ConfigScope.Both, ValueParsers.Boolean, "off", "Stream WAL with receive-wal (pg_receivewal) into streaming_wals_directory.",
            (s, v) => s with { StreamingArchiver = v }, s => s.StreamingArchiver),
        K("streaming_archiver_batch_size", ConfigScope.Both, ValueParsers.Integer, "0", "Files archived per archive-wal run from streaming (0: all).",
            (s, v) => s with { StreamingArchiverBatchSize = v }, s => s.StreamingArchiverBatchSize),
        K("streaming_archiver_name", ConfigScope.Both, ValueParsers.None, "barman_receive_wal",
            "application_name of pg_receivewal (also matched against synchronous_standby_names).",
            (s, v) => s with { StreamingArchiverName = v ?? "" }, s => s.StreamingArchiverName.Length == 0 ? null : s.StreamingArchiverName),
        C("streaming_backup_name", ConfigScope.Both, ValueParsers.None, "barman_streaming_backup"),
        K("streaming_conninfo", ConfigScope.Server, ValueParsers.None, "%(conninfo)s", "Conninfo for the replication connection (streaming_archiver, backup_method = postgres).",
            (s, v) => s with { StreamingConninfo = v }, s => s.StreamingConninfo),
        K("streaming_wals_directory", ConfigScope.Server, ValueParsers.Path, "%(backup_directory)s/streaming", "Where pg_receivewal writes.",
            (s, v) => s with { StreamingWalsDirectory = v }, s => s.StreamingWalsDirectory),
        C("tablespace_bandwidth_limit", ConfigScope.Both, ValueParsers.None),
        C("wal_retention_policy", ConfigScope.Both, ValueParsers.None, "main"),
        K("wals_directory", ConfigScope.Server, ValueParsers.Path, "%(backup_directory)s/wals",
            "The WAL archive: a local directory (hash directories and xlog.db), or an object store in barman-cloud's URL forms: `s3://BUCKET[/PATH]` "
            + "(AWS S3 or S3-compatible), `https://ACCOUNT.blob.core.windows.net/CONTAINER[/PATH]` (Azure Blob Storage), `http[s]://HOST[:PORT]/ACCOUNT/CONTAINER[/PATH]` "
            + "(an Azure emulator). The objects are `PATH/SERVER/wals/...` as barman-cloud-wal-archive writes them; credentials and endpoint come from the SDKs' "
            + "standard environment and files (see docs/operations.md); xlog.db, incoming, streaming and errors stay local.",
            (s, v) => s with { WalsDirectory = v }, s => s.WalsDirectory),
        K("archive_on_completion", ConfigScope.Both, ValueParsers.Boolean, "on",
            "receive-wal archives each completed segment at once, in process, as archive-wal does (cron's archive-wal stays the safety net); off: only archive-wal archives.",
            (s, v) => s with { ArchiveOnCompletion = v }, s => s.ArchiveOnCompletion) with { Origin = "ours" },
        K("keepalive_interval", ConfigScope.Both, ValueParsers.Integer, "60", "Seconds between status messages sent to PostgreSQL while streaming (Barman 3.13+).",
            (s, v) => s with { KeepaliveInterval = v }, s => s.KeepaliveInterval) with { Origin = "3.13" },
        K("max_archive_wal_delay", ConfigScope.Both, ValueParsers.Integer, "300",
            "Seconds WAL files may wait in streaming/incoming without a successful archive-wal run before check's `archive-wal` item fails.",
            (s, v) => s with { MaxArchiveWalDelay = v }, s => s.MaxArchiveWalDelay) with { Origin = "ours" },
        K("max_slot_lag", ConfigScope.Both, ValueParsers.ByteSizeParser, null,
            "check fails when the replication slot retains more WAL than this (`10 GiB`, `512MB`, bytes); none: no limit.",
            (s, v) => s with { MaxSlotLag = v }, s => s.MaxSlotLag) with { Origin = "ours" },
        K("streaming_archiver_restart", ConfigScope.Both, ValueParsers.Boolean, "on", "Restart pg_receivewal inside receive-wal when the stream drops.",
            (s, v) => s with { StreamingArchiverRestart = v }, s => s.StreamingArchiverRestart) with { Origin = "ours" },
        K("aws_profile", ConfigScope.Both, ValueParsers.None, null,
            "AWS profile (shared config and credentials files) for an `s3://` wals_directory; none: the SDK's default chain (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`...) (Barman 3.18+).",
            (s, v) => s with { AwsProfile = v }, s => s.AwsProfile) with { Origin = "3.18" },
        K("aws_region", ConfigScope.Both, ValueParsers.None, null,
            "AWS region of an `s3://` wals_directory; none: `AWS_REGION`, the profile's, or us-east-1 for a custom endpoint (Barman 3.18+).",
            (s, v) => s with { AwsRegion = v }, s => s.AwsRegion) with { Origin = "3.18" },
        K("aws_read_timeout", ConfigScope.Both, ValueParsers.Integer, "60",
            "Seconds allowed for one request to the archive's object store (S3 and Azure) (Barman 3.18+, there S3 only).",
            (s, v) => s with { AwsReadTimeout = v }, s => s.AwsReadTimeout) with { Origin = "3.18" },
        K("archive_upload_jobs", ConfigScope.Both, ValueParsers.Integer, "8",
            "Uploads in flight at once when wals_directory is an object store (memory: at most one 8 MiB part each).",
            (s, v) => s with { ArchiveUploadJobs = v }, s => s.ArchiveUploadJobs) with { Origin = "ours" },
        K("xlogdb_directory", ConfigScope.Both, ValueParsers.Path, null,
            "Set: xlog.db lives at `<xlogdb_directory>/<server>-xlog.db` (Barman 3.13+); none: `<wals_directory>/xlog.db` (3.4).",
            (s, v) => s with { XlogdbDirectory = v }, s => s.XlogdbDirectory) with { Origin = "3.13" },
    ];

    /// <summary>Every key: global ones, then server ones.</summary>
    public static IReadOnlyList<ConfigKey> All { get; } = [.. Global, .. Server];

    private static readonly Dictionary<string, ConfigKey> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public static ConfigKey? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Keys accepted in a server section (Barman: <c>ServerConfig.KEYS</c>).</summary>
    public static bool IsServerKey(string name) => ByName.TryGetValue(name, out var k) && k.AllowedInServer;

    /// <summary>Keys accepted in <c>[barman]</c>: the global keys and every server key.</summary>
    public static bool IsGlobalSectionKey(string name) => ByName.ContainsKey(name);

    /// <summary>Python's <c>str()</c> of a resolved value, as show-servers prints it.</summary>
    public static string Show(object? value) => value switch
    {
        null => "None",
        bool b => PyRepr.Bool(b),
        TimeSpan t => PyRepr.TimeDelta(t),
        CreateSlotMode m => m == CreateSlotMode.Auto ? "auto" : "manual",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "None",
    };

    private static ConfigKey G<T>(string name, string? @default, string doc, Func<GlobalConfig, T, GlobalConfig> apply) => new()
    {
        Name = name,
        Scope = ConfigScope.Global,
        Parser = ValueParsers.None,
        Default = @default,
        Doc = doc,
        ApplyGlobal = (g, v) => apply(g, Resolved<T>(name, v)),
    };

    /// <summary>A key stored in a typed property: <paramref name="get"/> gives its type and what show-servers prints.</summary>
    private static ConfigKey K<T>(string name, ConfigScope scope, ValueParser parser, string? @default, string doc,
        Func<ServerConfig, T, ServerConfig> apply, Func<ServerConfig, T> get) => new()
    {
        Name = name,
        Scope = scope,
        Parser = parser,
        Default = @default,
        Doc = doc,
        Apply = (s, v) => apply(s, Resolved<T>(name, v)),
        Show = s => Show(get(s)),
    };

    /// <summary>
    /// The one place a resolved value (boxed by the parsers) becomes the type of its property. A
    /// parser that does not produce that type, or None for a value type, is a bug of this table.
    /// </summary>
    private static T Resolved<T>(string key, object? value) => value switch
    {
        T typed => typed,
        null when default(T) is null => default!,
        _ => throw new InvalidOperationException($"configuration key {key}: {value?.GetType().Name ?? "None"} is not a {typeof(T).Name}"),
    };

    /// <summary>A key Barman knows and we accept silently; its value is kept for show-servers only.</summary>
    private static ConfigKey C(string name, ConfigScope scope, ValueParser parser, string? @default = null) => new()
    {
        Name = name,
        Scope = scope,
        Parser = parser,
        Default = @default,
        Doc = Compat,
        Used = false,
        Show = s => s.OtherSettings.TryGetValue(name, out var v) && v is not null ? v : "None",
    };
}
