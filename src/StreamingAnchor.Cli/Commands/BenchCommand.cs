using System.CommandLine;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal bench ...`: throughput benchmarks, each printing ratios measured side by side in one run.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Throughput benchmarks (ratios measured side by side in one run)");
        command.Subcommands.Add(BenchFbankCommand.Create());
        command.Subcommands.Add(BenchModelsCommand.Create());
        command.Subcommands.Add(BenchLossCommand.Create());
        command.Subcommands.Add(BenchTrainCommand.Create());
        command.Subcommands.Add(BenchTtsCommand.Create());
        command.Subcommands.Add(BenchSynthCommand.Create());
        command.Subcommands.Add(BenchDataCommand.Create());
        command.Subcommands.Add(BenchDevCommand.Create());
        command.Subcommands.Add(BenchAcousticsCommand.Create());
        return command;
    }
}
