using StreamingAnchor.Cli.Output;
using System.CommandLine;
using Spectre.Console;
using StreamingAnchor.Models;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal model info`: size, cost, receptive field and streaming state of a model config.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var command = new Command("model", "Inspect streaming model configurations");
        command.Subcommands.Add(CreateInfo());
        return command;
    }

    private static Command CreateInfo()
    {
        var family = EnumOption.List("--model", "model family", "Families, comma separated: gru, lstm, tcn, dscnn, crnn, or 'all'", ModelPreset.Families, all: true);
        var preset = EnumOption.List("--preset", "preset", "Presets, comma separated: small, medium, large, or 'all'", ModelPreset.Sizes, all: true);
        var hidden = new Option<int?>("--hidden") { Description = "Recurrent width or conv channels (overrides the preset)" };
        var layers = new Option<int?>("--layers") { Description = "Recurrent layers or residual conv blocks (overrides the preset)" };
        var channels = new Option<int?>("--channels") { Description = "crnn conv front-end channels (overrides the preset)" };
        var kernel = new Option<int?>("--kernel") { Description = "Conv kernel size (overrides the preset)" };
        var lookAhead = new Option<int>("--lookahead") { Description = "Frames of look-ahead", DefaultValueFactory = _ => 0 };
        var inputDim = new Option<int>("--input-dim") { Description = "Features per frame (40 mel, 44 with 4 extra streams, ...)", DefaultValueFactory = _ => 40 };
        var classes = new Option<int>("--classes") { Description = "Logits per frame (1 = binary)", DefaultValueFactory = _ => 1 };
        var info = new Command("info", "Print parameters, MACs per frame, receptive field and state size");
        foreach (var option in new Option[] { family, preset, hidden, layers, channels, kernel, lookAhead, inputDim, classes })
        {
            info.Options.Add(option);
        }

        CommandAction.Set(info, parse =>
        {
            var families = parse.GetValue(family)!;
            var presets = parse.GetValue(preset)!;
            var rows = new List<ModelInfo>();
            foreach (var fam in families)
            {
                foreach (var pre in presets)
                {
                    var config = new ModelConfig
                    {
                        Family = fam, Preset = pre, Hidden = parse.GetValue(hidden), Layers = parse.GetValue(layers),
                        Channels = parse.GetValue(channels), Kernel = parse.GetValue(kernel), LookAhead = parse.GetValue(lookAhead),
                    };
                    using var model = ModelFactory.Create(config, parse.GetValue(inputDim), parse.GetValue(classes));
                    rows.Add(ModelInfo.Of(model));
                }
            }

            Print(rows);
            return 0;
        });
        return info;
    }

    private static void Print(IReadOnlyList<ModelInfo> rows)
    {
        string[] header = ["model", "preset", "in", "C", "params", "MACs/frame", "receptive field", "look-ahead", "state floats"];
        var cells = rows.Select(r => new[]
        {
            r.Family.Name(), r.Preset.Name(), r.InputDim.ToString(), r.NumClasses.ToString(), r.Parameters.ToString("N0"), r.MacsPerFrame.ToString("N0"),
            r.ReceptiveField is { } rf ? $"{rf} frames ({rf * 10} ms)" : "unbounded (recurrent)", r.LookAhead.ToString(), r.StateFloats.ToString("N0"),
        }).ToArray();
        ConsoleTable.Write(header, cells);

        if (rows.Count == 1)
        {
            Console.WriteLine("layers: " + string.Join(" | ", rows[0].Layers));
        }
    }
}
