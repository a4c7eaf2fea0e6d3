using Barman.Cli;
using Barman.Core;
using Barman.Core.Os;

using var signals = SignalListener.Install();
var console = new ConsoleStreams(Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
return await BarmanApp.RunAsync(args, console, signals.Token, signals);
