using Barman.Core.Wal;

namespace Barman.Core.Checks;

/// <summary><c>archiver errors</c>: the errors directory must be empty; the hint counts its entries by kind.</summary>
internal sealed class ArchiverErrorsCheck : ICheckItem
{
    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var names = ErrorFileKinds.Names(context.Server.ErrorsDirectory);
        context.Result("archiver errors", names.Count == 0, Summarise(names));
        return Task.CompletedTask;
    }

    /// <summary>Barman's <c>summarise_error_files</c>: <c>unknown: 2, duplicates: 1</c>, kinds in order of first appearance (directory order).</summary>
    public static string? Summarise(IEnumerable<string> names)
    {
        var counters = new List<KeyValuePair<string, int>>();
        foreach (var name in names)
        {
            var kind = ErrorFileKinds.Classify(name).Summary;
            var index = counters.FindIndex(c => c.Key == kind);
            if (index < 0)
                counters.Add(new(kind, 1));
            else
                counters[index] = new(kind, counters[index].Value + 1);
        }
        return counters.Count == 0 ? null : string.Join(", ", counters.Select(c => $"{c.Key}: {c.Value}"));
    }
}
