using System.CommandLine;
using StreamingAnchor.Models;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal info`: versions and whether the TorchSharp native backend loads here.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Print library versions and check that TorchSharp's native backend loads");
        CommandAction.Set(command, _ =>
        {
            var report = TorchRuntime.Describe();
            Console.WriteLine(report);
            return 0;
        });
        return command;
    }
}
