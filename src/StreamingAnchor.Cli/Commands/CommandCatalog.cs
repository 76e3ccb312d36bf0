using System.CommandLine;

namespace StreamingAnchor.Cli.Commands;

/// <summary>Every top-level `sal` command, one factory per file in this folder.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return InfoCommand.Create();
        yield return BenchCommand.Create();
        yield return DataCommand.Create();
        yield return ModelCommand.Create();
        yield return StreamCommand.Create();
        yield return ExportCommand.Create();
        yield return DetectCommand.Create();
        yield return PeersCommand.Create();
        yield return SynthCommand.Create();
        yield return TrainCommand.Create();
        yield return EvalCommand.Create();
        yield return MineCommand.Create();
        yield return RecipeCommand.Create();
        yield return DemoCommand.Create();
        yield return ExperimentCommand.Create();
        yield return WeightsCommand.Create();
    }
}
