namespace Barman.Core.Checks;

/// <summary>
/// The file archiver's items (only with <c>archiver = on</c>): <c>archive_mode</c>,
/// <c>archive_command</c> and <c>continuous archiving</c>; nothing when PostgreSQL is unreachable.
/// </summary>
internal sealed class FileArchiverCheck : ICheckItem
{
    public async Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        if (!context.Server.Archiver)
            return;
        var pg = await context.PostgresAsync(cancellationToken);
        if (pg.Archiver is not { ArchiveMode: { } mode } archiver)
            return;
        if (mode is "on" or "always")
            context.Result("archive_mode", true);
        else
            context.Result("archive_mode", false, pg.Version!.Number >= 90500 ? "please set it to 'on' or 'always'" : "please set it to 'on'");
        if (!string.IsNullOrEmpty(archiver.ArchiveCommand) && archiver.ArchiveCommand != "(disabled)")
        {
            context.Result("archive_command", true);
            if (archiver.IsArchiving is { } archiving)
                context.Result("continuous archiving", archiving);
        }
        else
        {
            context.Result("archive_command", false, "please set it accordingly to documentation");
        }
    }
}
