using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using StreamingAnchor.Anchors;
using StreamingAnchor.Data;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal data prepare manifest.jsonl`: fills the feature cache (all cores, progress), then builds one epoch of training
/// batches with the given windows and augmentation and reports what a trainer would see and how fast.
/// </summary>
internal static class DataPrepareCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "JSONL manifest" };
        var task = EnumOption.Create<TaskKind>("--task", "task", "kws, onset or trigger (default kws)");
        var labels = new Option<string?>("--labels") { Description = "Comma-separated positive event labels in class order (default: every event is class 1)" };
        var noStreams = new Option<bool>("--no-streams") { Description = "Leave the manifest's extra per-frame streams out" };
        var cache = new Option<string?>("--cache") { Description = "Feature cache folder (default: .cache/features beside the manifest)" };
        var batch = new Option<int>("--batch-size") { Description = "Batch size", DefaultValueFactory = _ => 16 };
        var window = new Option<double?>("--window-seconds") { Description = "Crop longer clips into random windows of this length" };
        var seed = new Option<int>("--seed") { Description = "Seed for shuffling, crops and augmentation", DefaultValueFactory = _ => 1 };
        var noise = new Option<string?>("--noise") { Description = "Noise manifest: mix noise into half the examples at 0-20 dB SNR" };
        var speed = new Option<double>("--speed-prob") { Description = "Probability of speed perturbation (0.9-1.1)", DefaultValueFactory = _ => 0 };
        var spec = new Option<bool>("--specaugment") { Description = "Two time and two frequency masks per example" };
        var command = new Command("prepare", "Fill the feature cache and build one epoch of training batches (shapes, padding, speed)");
        command.Arguments.Add(manifest);
        foreach (var o in new Option[] { task, labels, noStreams, cache, batch, window, seed, noise, speed, spec })
        {
            command.Options.Add(o);
        }
        CommandAction.Set(command, parse =>
        {
            var kind = parse.GetValue(task) ?? TaskKind.Kws;
            var rule = TaskRule.For(kind, parse.GetValue(labels)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? []);
            var options = new DatasetOptions { Rule = rule, IncludeStreams = !parse.GetValue(noStreams), CacheDirectory = parse.GetValue(cache) };
            var sw = Stopwatch.StartNew();
            var data = CliProgress.Run("features", p => FeatureDataset.Load(parse.GetValue(manifest)!, options, p));
            var loadSeconds = sw.Elapsed.TotalSeconds;
            var c = CultureInfo.InvariantCulture;
            foreach (var split in data.SplitNames.Order(StringComparer.Ordinal))
            {
                var clips = data.Clips(split);
                Console.WriteLine(string.Create(c, $"{split}: {clips.Count} clips, {clips.Sum(x => x.Frames)} frames, {clips.Sum(x => x.Labels.Anchors.Length)} anchors, {clips.Sum(x => x.Labels.Targets.Count(t => t != 0))} positive frames"));
            }
            Console.WriteLine(string.Create(c, $"input dim {data.InputDim} (mel {options.Fbank.MelBins}{string.Concat(data.StreamNames.Select(n => " + " + n))}), classes {data.NumClasses}, features ready in {loadSeconds:0.0} s (cache {(options.CacheDirectory ?? ".cache/features beside the manifest")})"));

            var augment = new AugmentOptions
            {
                NoiseManifest = parse.GetValue(noise),
                SpeedProbability = parse.GetValue(speed),
                TimeMasks = parse.GetValue(spec) ? 2 : 0,
                FreqMasks = parse.GetValue(spec) ? 2 : 0,
            };
            var batchOptions = new BatchOptions
            {
                BatchSize = parse.GetValue(batch),
                Seed = parse.GetValue(seed),
                WindowFrames = parse.GetValue(window) is { } w ? (int)Math.Round(w * FrameClock.Of(options.Fbank).FramesPerSecond) : null,
                Augment = augment,
            };
            if (data.Clips("train").Count == 0)
            {
                Console.WriteLine("no train split: no batches built");
                return 0;
            }
            sw.Restart();
            long rows = 0, valid = 0, padded = 0, batches = 0;
            foreach (var b in data.Batches("train", batchOptions, epoch: 0))
            {
                using (b)
                {
                    batches++;
                    rows += b.Size;
                    valid += b.ValidFrames;
                    padded += (long)b.Size * b.MaxFrames;
                }
            }
            var seconds = sw.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(c, $"train epoch 0: {batches} batches, {rows} rows, padding {100.0 * (padded - valid) / Math.Max(1, padded):0.0}% of frames, built in {seconds:0.00} s ({valid / options.Rule.Clock.FramesPerSecond / Math.Max(seconds, 1e-9):0} s of audio per second)"));
            return 0;
        });
        return command;
    }
}
