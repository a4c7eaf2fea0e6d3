namespace Barman.Core.Checks;

/// <summary><c>configuration</c> (only when failing): FAILED, then every message on its own <c>\t\t</c> line.</summary>
internal sealed class ConfigurationCheck : ICheckItem
{
    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        if (context.Server.Messages.Count == 0)
            return Task.CompletedTask;
        context.Result("configuration", false);
        foreach (var message in context.Server.Messages)
            context.Output.Info("\t\t" + message);
        return Task.CompletedTask;
    }
}
