using System.CommandLine;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal data ...`: manifest checks and corpus importers.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Check manifests and import corpora into manifests");
        command.Subcommands.Add(DataCheckCommand.Create());
        command.Subcommands.Add(DataImportCommand.Create());
        command.Subcommands.Add(DataPrepareCommand.Create());
        return command;
    }
}
