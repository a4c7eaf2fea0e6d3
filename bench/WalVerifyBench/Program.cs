using System.Diagnostics;
using Barman.Core.Wal;
using Barman.Core.Wal.Format;

// usage: WalVerifyBench DIRECTORY PARALLELISM
// Verifies the WAL files of DIRECTORY (plain files) with the verify-wal engine; prints one line of figures;
// exits 0 when the WAL is proven, 1 otherwise.
if (args.Length != 2 || !int.TryParse(args[1], out var parallelism) || parallelism < 1)
{
    Console.Error.WriteLine("usage: WalVerifyBench DIRECTORY PARALLELISM");
    return 2;
}
var directory = args[0];
var paths = Directory.EnumerateFiles(directory).Where(p => WalFileName.IsAnyXlogFile(Path.GetFileName(p)))
    .ToDictionary(p => Path.GetFileName(p), StringComparer.Ordinal);
var source = new WalReadSource(paths.Keys, (name, _) => Task.FromResult<Stream>(
    new FileStream(paths[name], FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1)));
var clock = Stopwatch.StartNew();
var result = await new WalArchiveVerifier(new WalVerifyOptions(new WalExpectations(), parallelism)).VerifyAsync(source, default);
var seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"files {result.FileCount} records {result.RecordCount} bytes {result.Bytes} seconds {seconds:F3} MB/s {result.Bytes / 1e6 / seconds:F0} problems {result.ProblemCount}");
foreach (var problem in result.Problems.Take(10))
    Console.WriteLine(problem);
return result.IsProven ? 0 : 1;
