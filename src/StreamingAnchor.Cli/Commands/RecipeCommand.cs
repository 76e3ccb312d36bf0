using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using StreamingAnchor.Recipes;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal recipe kws|onset --out DIR`: the whole path from a typed keyword (or speech onset) to a deployable model in one
/// resumable command (library: Recipes/Recipe). Defaults per kind, then `--config FILE` (recipe.json keys), then the
/// flags given. Progress per stage on stderr; the summary (recipe.md) on stdout.
/// </summary>
internal static class RecipeCommand
{
    public static Command Create()
    {
        var command = new Command("recipe", "From a keyword (or speech onset) to a deployable model: synth -> train -> mine -> fine-tune -> eval -> export, resumable");
        command.Subcommands.Add(Kind("kws", RecipeKind.Kws, "keyword spotter for --keyword: corpus, model, hard negatives, test evaluation, raw-audio ONNX with its model card"));
        command.Subcommands.Add(Kind("onset", RecipeKind.Onset, "speech-onset detector: corpus, model, hard negatives, test evaluation, raw-audio ONNX with its model card"));
        return command;
    }

    private static Command Kind(string name, RecipeKind kind, string description)
    {
        var d = RecipeConfig.For(kind);
        var inv = CultureInfo.InvariantCulture;
        var output = new Option<string>("--out") { Description = "Output folder (rerun the same command to resume; recipe.md and recipe.json land there)", Required = true };
        var config = new Option<string?>("--config") { Description = "JSON file of recipe settings (the keys of recipe.json); flags given override it" };
        var force = new Option<bool>("--force") { Description = "Use a non-empty folder, or redo the stages whose settings changed since the folder's recipe.json" };
        var command = new Command(name, description);
        command.Options.Add(output);
        command.Options.Add(config);
        command.Options.Add(force);

        // Every setting flag writes its recipe.json key; absent flags leave the config file's value or the default.
        var settings = new List<Func<ParseResult, (string Key, JsonNode? Value)?>>();
        void Number<T>(string flag, string property, string what, T? fallback) where T : struct
        {
            var option = new Option<T?>(flag) { Description = string.Create(inv, $"{what} (default: {(fallback is null ? "none" : Convert.ToString(fallback, inv))})") };
            command.Options.Add(option);
            settings.Add(parse => parse.GetValue(option) is { } v ? (RecipeConfig.JsonName(property), JsonValue.Create(v)) : null);
        }
        void Text(string flag, string property, string what, string? fallback, Func<string, JsonNode>? convert = null)
        {
            var option = new Option<string?>(flag) { Description = $"{what} (default: {fallback ?? "none"})" };
            command.Options.Add(option);
            settings.Add(parse => parse.GetValue(option) is { } v ? (RecipeConfig.JsonName(property), convert is null ? JsonValue.Create(v) : convert(v)) : null);
        }
        void Choice<T>(string flag, string property, string what, T fallback) where T : struct, Enum
        {
            var option = EnumOption.Create<T>(flag, what, $"{string.Join(" | ", EnumNames.All<T>())} (default: {fallback.Name()})");
            command.Options.Add(option);
            settings.Add(parse => parse.GetValue(option) is { } v ? (RecipeConfig.JsonName(property), JsonValue.Create(v.Name())) : null);
        }
        static JsonNode List(IEnumerable<string> items) => new JsonArray([.. items.Select(i => (JsonNode)JsonValue.Create(i))]);

        if (kind == RecipeKind.Kws)
        {
            Text("--keyword", nameof(RecipeConfig.Keyword), "the keyword", d.Keyword);
        }
        Number<double>("--hours", nameof(RecipeConfig.Hours), "approximate hours of audio to synthesise, half of it long negative streams", d.Hours);
        Number<int>("--clips", nameof(RecipeConfig.Clips), "exact number of streams instead of --hours (no long streams)", d.Clips);
        Number<double>("--clip-seconds", nameof(RecipeConfig.ClipSeconds), "stream length, seconds", d.ClipSeconds);
        Number<double>("--positive-fraction", nameof(RecipeConfig.PositiveFraction), "kws: share of the short streams that say the keyword (onset ignores it)", d.PositiveFraction);
        if (kind == RecipeKind.Kws)
        {
            Choice("--near-misses", nameof(RecipeConfig.NearMisses), "which one-phoneme edits of the keyword become near misses", d.NearMisses);
            Number<double>("--keyword-accents", nameof(RecipeConfig.KeywordAccents), "share of keywords said from an accent-shaped edit of the keyword by an English espeak voice", d.KeywordAccents);
        }
        Number<double>("--long-fraction", nameof(RecipeConfig.LongFraction), "share of --hours made as long negative streams", d.LongFraction);
        Text("--engines", nameof(RecipeConfig.Engines), "TTS engines, comma separated", string.Join(',', d.Engines),
            v => List(v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        Text("--sources", nameof(RecipeConfig.Sources), "real audio sources, comma separated, 'all' or 'none'", "all", v => List(SynthCommand.SourceList(v)));
        Text("--cache", nameof(RecipeConfig.SourceCache), "download/extract/decode cache for real sources", new Data.Synthesis.SynthConfig { OutputDirectory = "" }.SourceCacheDirectory);
        Number<int>("--workers", nameof(RecipeConfig.Workers), "synthesis workers (do not change the corpus)", d.Workers);
        Number<int>("--seed", nameof(RecipeConfig.Seed), "seed of the corpus and of every training", d.Seed);
        Choice("--model", nameof(RecipeConfig.Model), "model family", d.Model);
        Choice("--preset", nameof(RecipeConfig.Preset), "preset", d.Preset);
        Number<int>("--hidden", nameof(RecipeConfig.Hidden), "width override of the preset (TCN channels, GRU units)", d.Hidden);
        Number<double>("--dropout", nameof(RecipeConfig.Dropout), "dropout between the model's layers while training", d.Dropout);
        Number<int>("--running-mean", nameof(RecipeConfig.RunningMean), "time constant in frames of a running mean subtracted from the model's input (sal train --running-mean); 0: none", d.RunningMean);
        Number<bool>("--augment", nameof(RecipeConfig.Augment), "true: seeded gain, time shift and SpecAugment on training batches (sal train --augment)", d.Augment);
        Number<double>("--warp", nameof(RecipeConfig.Warp), "share of training windows given a vocal tract length perturbation, factor 0.9-1.1 (sal train --warp)", d.Warp);
        Choice("--loss", nameof(RecipeConfig.Loss), "loss kind", d.Loss);
        Number<double>("--tau", nameof(RecipeConfig.Tau), "kernel spread in frames", d.Tau);
        Number<double>("--lambda", nameof(RecipeConfig.Lambda), "anchor emphasis of sal / sa+fl", d.Lambda);
        Number<double>("--gamma", nameof(RecipeConfig.Gamma), "focal exponent", d.Gamma);
        Number<bool>("--near-miss-anchors", nameof(RecipeConfig.NearMissAnchors),
            "true: sal / sa+fl / safl also emphasise where each marked near miss ends (sal train --near-miss-anchors)", d.NearMissAnchors);
        Number<int>("--epochs", nameof(RecipeConfig.Epochs), "training epochs", d.Epochs);
        Number<int>("--batch-size", nameof(RecipeConfig.BatchSize), "windows per batch", d.BatchSize);
        Number<double>("--window", nameof(RecipeConfig.WindowSeconds), "training crop, seconds", d.WindowSeconds);
        Text("--sampler", nameof(RecipeConfig.Sampler), "balanced batches: default, kind=share,... or none", d.Sampler);
        Number<int>("--epoch-windows", nameof(RecipeConfig.EpochWindows), "windows per epoch with the sampler (default: one pass of the train split)", d.EpochWindows);
        Number<double>("--lr", nameof(RecipeConfig.LearningRate), "peak learning rate (AdamW, warm-up + cosine)", d.LearningRate);
        Number<double>("--dev-fa-per-hour", nameof(RecipeConfig.DevFaPerHour), "best epoch and shipped run by dev FRR at this many false alarms per hour", d.DevFaPerHour);
        Choice("--ship", nameof(RecipeConfig.Ship), "epoch to ship", d.Ship);
        Choice("--ship-run", nameof(RecipeConfig.ShipRun), "run to ship", d.ShipRun);
        Number<double>("--ema-decay", nameof(RecipeConfig.EmaDecay), "ship a moving average of the weights with this decay per step (sal train --ema-decay)", d.EmaDecay);
        Number<int>("--threads", nameof(RecipeConfig.Threads), "torch threads (0: the default, 1)", d.Threads);
        Number<int>("--mine-rounds", nameof(RecipeConfig.MineRounds), "rounds of hard-negative mining, each followed by a fine-tune (0: none)", d.MineRounds);
        Number<double>("--mine-fa-per-hour", nameof(RecipeConfig.MineFaPerHour), "mine at the most permissive threshold with at most this many false alarms per hour of the pool", d.MineFaPerHour);
        Number<double>("--hard-negative-weight", nameof(RecipeConfig.HardNegativeWeight), "times each mined window is seen per fine-tuning epoch", d.HardNegativeWeight);
        Number<int>("--fine-tune-epochs", nameof(RecipeConfig.FineTuneEpochs), "epochs of each fine-tune", d.FineTuneEpochs);
        Number<double>("--fine-tune-lr", nameof(RecipeConfig.FineTuneLearningRate), "peak learning rate of each fine-tune", d.FineTuneLearningRate);
        Text("--fa-per-hour", nameof(RecipeConfig.FaPerHour), "false-alarm budgets of the test report and the card's thresholds", string.Join(',', d.FaPerHour.Select(f => f.ToString(inv))),
            v => new JsonArray([.. FaPerHourBudgets.Parse(v)!.Select(f => (JsonNode)JsonValue.Create(f))]));
        Text("--licence", nameof(RecipeConfig.Licence), "licence line of the model card", "one naming the data's TTS engines and packages with their licences");

        CommandAction.Set(command, parse =>
        {
            var overrides = new JsonObject();
            foreach (var setting in settings)
            {
                if (setting(parse) is { } given)
                {
                    overrides[given.Key] = given.Value;
                }
            }
            // A wrong --config file or flag value is the command line's fault: usage, exit 2.
            var configFile = parse.GetValue(config);
            var resolved = UsageException.OfFlagFile(configFile is null ? null : "--config", () => RecipeConfig.Resolve(kind, configFile, overrides));
            var result = Recipe.Run(resolved, parse.GetValue(output)!, parse.GetValue(force), new RecipeProgressView(Console.Error));
            Console.Write(RecipeReport.Markdown(result));
            Console.WriteLine($"\nsummary: {result.ReportPath}");
            return 0;
        }, resumeHint: "rerun the same `sal recipe` command: finished stages are skipped and training continues from its last checkpoint");
        return command;
    }
}
