using Barman.Tests.ArchiveWal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

/// <summary>
/// pg_receivewal hitting a full disk (a small tmpfs over the server's directory): receive-wal ends with
/// one clear error saying what it could not do, and nothing piles up in errors/ run after run.
/// </summary>
public sealed class DiskFullTests(PgCluster pg) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task A_full_disk_is_one_clear_error_and_leaves_nothing_behind()
    {
        using var h = new StreamingHarness(pg, "pg", "s_enospc", s => s with { CreateSlot = Barman.Core.Configuration.CreateSlotMode.Auto });
        using var mount = await Tmpfs.MountAsync(h.Server.BackupDirectory, "8m");
        try
        {
            var first = await h.Start().Task.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.Equal(1, h.ExitCode(first));
            // pg_receivewal could not preallocate its segment: the wrong-sized partial it left cannot be kept, so it is not truncated.
            var partial = Directory.GetFiles(h.Server.StreamingWalsDirectory, "*.partial").Single();
            var size = new FileInfo(partial).Length;
            var error = $"ERROR: ArchiverFailure:cannot keep a copy of the partial file {partial} (wrong size {size} while 16777216 was expected) " +
                $"in {h.Server.ErrorsDirectory} before truncating it: No space left on device\n";
            Assert.Contains("No space left on device", h.Out);
            Assert.EndsWith(error, h.Err);
            Assert.DoesNotContain("EXCEPTION", h.Err);
            Assert.Empty(Directory.GetFiles(h.Server.ErrorsDirectory));

            await StreamingHarness.Until(async () => !await pg.ScalarAsync<bool>("select coalesce(bool_or(active), false) from pg_replication_slots where slot_name = 's_enospc'"), "slot released");
            h.ResetOutput();
            var second = await h.Start().Task.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.Equal((1, error), (h.ExitCode(second), h.Err));
            Assert.Empty(Directory.GetFiles(h.Server.ErrorsDirectory));
            Assert.Equal(size, new FileInfo(partial).Length);
        }
        finally
        {
            await pg.ExecuteAsync("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = 's_enospc' and not active");
        }
    }
}
