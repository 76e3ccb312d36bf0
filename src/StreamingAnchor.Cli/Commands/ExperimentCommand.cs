using System.CommandLine;
using System.Globalization;
using StreamingAnchor.Cli.Output;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal experiment`: the model x loss x seed grid (and an optional loss-parameter sweep) on one data set.</summary>
internal static class ExperimentCommand
{
    public static Command Create()
    {
        var command = new Command("experiment", "Train and evaluate every model x loss x seed on the same data and budget; results.json + results.md");
        var data = new Option<string>("--data") { Description = "Manifest with train, dev and test splits" };
        var task = new Option<string>("--task") { Description = "kws | onset | trigger", DefaultValueFactory = _ => "kws" };
        var models = new Option<string>("--models") { Description = "Model families, comma separated", DefaultValueFactory = _ => "gru" };
        var preset = new Option<string>("--preset") { Description = "Model size preset", DefaultValueFactory = _ => "small" };
        var losses = new Option<string>("--losses") { Description = "Losses, comma separated", DefaultValueFactory = _ => "ce,focal,maxpool,sal,sa+fl,safl" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per cell", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--budget") { Description = "Epochs per cell (the same budget for every cell)", DefaultValueFactory = _ => 10 };
        var window = new Option<double?>("--window") { Description = "Training crop, seconds" };
        var batch = new Option<int>("--batch-size") { Description = "Clips per batch", DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => 5e-3 };
        var sweep = new Option<string>("--sweep") { Description = "Loss parameter sweep, e.g. tau=2,4,8,16,32 (tau, lambda or gamma)" };
        var target = new Option<double?>("--target") { Description = "FA/h (onset: false onsets/h) at which cells are compared (kws/trigger 1, onset 10)" };
        var threads = new Option<int>("--threads") { Description = "Torch threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Experiment folder", DefaultValueFactory = _ => "runs/experiment" };
        foreach (var o in new Option[] { data, task, models, preset, losses, seeds, epochs, window, batch, lr, sweep, target, threads, output })
        {
            command.Options.Add(o);
        }
        command.SetAction(parse =>
        {
            try
            {
                var manifest = parse.GetValue(data) ?? throw new ArgumentException("--data is required");
                string? parameter = null;
                IReadOnlyList<double> values = [];
                if (parse.GetValue(sweep) is { } s)
                {
                    var parts = s.Split('=', 2);
                    if (parts.Length != 2)
                    {
                        throw new ArgumentException($"--sweep must look like tau=2,4,8, got '{s}'");
                    }
                    parameter = parts[0].Trim().ToLowerInvariant();
                    values = parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v =>
                        double.TryParse(v, CultureInfo.InvariantCulture, out var x) ? x : throw new ArgumentException($"--sweep value '{v}' is not a number")).ToList();
                }
                var taskName = parse.GetValue(task)!;
                var config = new ExperimentConfig
                {
                    Base = new TrainConfig
                    {
                        Data = Path.GetFullPath(manifest),
                        Task = taskName,
                        Model = new ModelConfig { Preset = parse.GetValue(preset)! },
                        Loss = new LossConfig(),
                        Epochs = parse.GetValue(epochs),
                        BatchSize = parse.GetValue(batch),
                        WindowSeconds = parse.GetValue(window),
                        LearningRate = parse.GetValue(lr),
                        Threads = parse.GetValue(threads),
                    },
                    Models = Split(parse.GetValue(models)!),
                    Losses = Split(parse.GetValue(losses)!),
                    Seeds = parse.GetValue(seeds),
                    SweepParameter = parameter,
                    SweepValues = values,
                    FaPerHourTarget = parse.GetValue(target) ?? (taskName.Equals("onset", StringComparison.OrdinalIgnoreCase) ? 10 : 1),
                };
                var folder = parse.GetValue(output)!;
                ExperimentRunner.Run(config, folder,
                    (c, dir) => TrainConsole.Run(Path.GetFileName(dir), (progress, loading) => TrainingRun.Run(c, dir, progress, loading)),
                    new TrainConsole.Inline<string>(Console.WriteLine));
                Console.WriteLine(File.ReadAllText(Path.Combine(folder, "results.md")));
                Console.WriteLine($"results: {Path.GetFullPath(Path.Combine(folder, "results.json"))}, {Path.GetFullPath(Path.Combine(folder, "results.md"))}");
                return 0;
            }
            catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or InvalidDataException
                                           or InvalidOperationException or NonFiniteLossException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static List<string> Split(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
