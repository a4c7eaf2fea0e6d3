using Barman.Core.Configuration;
using Barman.Core.Output;

namespace Barman.Core.Wal;

/// <summary>
/// One archive-wal pass over a server's streaming and incoming directories (Barman's
/// <c>Server.archive_wal(verbose)</c>), as used by <c>switch-wal --archive</c> and <c>check</c>.
/// Non-verbose: the header only before the first file, never <c>no file found</c>.
/// </summary>
public delegate Task ArchivePass(ServerConfig server, IOutput output, bool verbose, CancellationToken cancellationToken);
