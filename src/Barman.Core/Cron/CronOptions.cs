namespace Barman.Core.Cron;

/// <summary>Options of <c>barman cron</c>.</summary>
/// <param name="KeepDescriptors">children keep cron's stdout/stderr instead of /dev/null.</param>
internal sealed record CronOptions(bool KeepDescriptors = false);
