using System.CommandLine;
using Spectre.Console;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal synth kws|onset|trigger`: generates a corpus from local TTS, real speech and real noise.</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var command = new Command("synth", "Generate a task corpus (16 kHz WAV streams + JSONL manifest) from local TTS, real speech and noise");
        command.Subcommands.Add(Task("kws", SynthTask.Kws, "keyword spotting: the keyword in streams of other speech, confusables and noise"));
        command.Subcommands.Add(Task("onset", SynthTask.Onset, "speech onset: noise or silence then speech segments; anchor = first phone"));
        command.Subcommands.Add(Task("trigger", SynthTask.Trigger, "multi-modal trigger: wearer's phrase with an accelerometer stream; bystanders and motion are negatives"));
        command.Subcommands.Add(Merge());
        command.Subcommands.Add(Voices());
        command.Subcommands.Add(Summary());
        command.Subcommands.Add(Sources());
        return command;
    }

    /// <summary>`sal synth voices`: the voices each split draws from and the keyword's speaker configurations (no synthesis).</summary>
    private static Command Voices()
    {
        var defaults = new SynthConfig { OutputDirectory = "" };
        var keyword = new Option<string>("--keyword") { Description = "keyword / trigger phrase", DefaultValueFactory = _ => defaults.Keyword };
        var engines = new Option<string>("--engines") { Description = "TTS engines, comma separated", DefaultValueFactory = _ => string.Join(',', defaults.Engines) };
        var list = new Option<bool>("--list") { Description = "also list every base voice with its split and whether it says the keyword" };
        var command = new Command("voices", "Count the voices per split: base voices, espeak variants, voices, and the keyword's speaker configurations");
        command.Options.Add(keyword);
        command.Options.Add(engines);
        command.Options.Add(list);
        CommandAction.Set(command, parse =>
        {
            var available = new List<ITtsEngine>();
            foreach (var name in parse.GetValue(engines)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var engine = CorpusGenerator.Engine(name);
                if (engine.Unavailable() is { } why)
                {
                    Console.Error.WriteLine($"warning: {why}; continuing without it");
                    continue;
                }
                available.Add(engine);
            }
            var catalog = VoiceCatalog.Build(available, parse.GetValue(keyword)!, Environment.ProcessorCount);
            foreach (var w in catalog.Warnings)
            {
                Console.Error.WriteLine($"warning: {w}");
            }
            foreach (var c in catalog.Counts())
            {
                Console.WriteLine($"{c.Split}: {c.BaseVoices} base voices ({c.KeywordBaseVoices} say the keyword), {c.Variants} espeak variants, " +
                    $"{c.Voices} voices ({c.KeywordVoices} say the keyword), {c.KeywordConfigurations} speaker configurations of the keyword");
            }
            if (parse.GetValue(list))
            {
                foreach (var group in catalog.Voices.GroupBy(v => (Split: catalog.SplitOf[v.Id], v.BaseVoice)).OrderBy(g => g.Key.Split, StringComparer.Ordinal)
                    .ThenBy(g => g.Key.BaseVoice, StringComparer.Ordinal))
                {
                    var keywordCount = group.Count(v => catalog.KeywordVoices.Contains(v.Id));
                    Console.WriteLine($"{group.Key.Split}\t{group.Key.BaseVoice}\t{group.Count()} voices\t{(keywordCount > 0 ? "says the keyword" : "background speech only")}");
                }
            }
            return 0;
        });
        return command;
    }

    /// <summary>`sal synth summary DIR`: counts per split and disk use, read from the manifest.</summary>
    private static Command Summary()
    {
        var folder = new Argument<string>("folder") { Description = "corpus folder (or its manifest.jsonl)" };
        var command = new Command("summary", "Counts per split (voices, real packages, hours of speech and backgrounds, positives, negative hours) and disk use of a corpus");
        command.Arguments.Add(folder);
        CommandAction.Set(command, parse =>
        {
            SynthSummaryView.Print(CorpusSummary.Read(parse.GetValue(folder)!));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// `sal synth sources`: fetches and decodes the catalogued real-audio packages into the cache and prints what each
    /// holds (docs/data.md, "Real-audio survey", is this output).
    /// </summary>
    private static Command Sources()
    {
        var defaults = new SynthConfig { OutputDirectory = "" };
        var sources = new Option<string>("--sources") { Description = "catalogued sources to measure, comma separated, or 'all'", DefaultValueFactory = _ => "all" };
        var cache = new Option<string>("--cache") { Description = "download/extract/decode cache for real sources", DefaultValueFactory = _ => defaults.SourceCacheDirectory };
        var workers = new Option<int>("--workers") { Description = "parallel decoders", DefaultValueFactory = _ => Environment.ProcessorCount };
        var decode = new Option<bool>("--decode") { Description = "decode every recording into the cache (measures decoded audio; warms the cache for sal synth)" };
        var command = new Command("sources", "Fetch and measure the real speech, music and noise packages (minutes, languages, split per package)");
        command.Options.Add(decode);
        command.Options.Add(sources);
        command.Options.Add(cache);
        command.Options.Add(workers);
        CommandAction.Set(command, parse =>
        {
            var text = parse.GetValue(sources)!.Trim();
            var list = text.Equals("all", StringComparison.OrdinalIgnoreCase) ? RealSourceCatalog.All
                : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(RealSourceCatalog.Get).ToList();
            var measures = SynthProgressView.Run(progress =>
                SourceSurvey.Measure(list, parse.GetValue(cache)!, Math.Max(1, parse.GetValue(workers)), parse.GetValue(decode), progress));
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            Console.WriteLine("| source | package | version | kind | language | split | files | minutes | licence | use |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var m in measures)
            {
                var s = m.Source;
                var files = m.Undecodable > 0 ? $"{m.Files} ({m.Undecodable} undecodable)" : m.Files.ToString(inv);
                Console.WriteLine(string.Create(inv,
                    $"| {s.Name} | `{s.Package}` | {m.Version ?? "?"} | {s.Kind.ToString().ToLowerInvariant()} | {s.Language ?? "-"} | {s.Split} | {files} | {m.Minutes:F1} | {s.Licence} | {s.Usage} |"));
            }
            Console.WriteLine();
            Console.WriteLine("| split | packages | speech h | music h | noise h | total h | share | speech languages |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            var total = measures.Sum(m => m.Seconds);
            double Hours(IEnumerable<SourceMeasure> ms, RealSourceKind kind) => ms.Where(m => m.Source.Kind == kind).Sum(m => m.Seconds) / 3600;
            foreach (var split in SplitAssigner.Splits.Append("all"))
            {
                var ms = measures.Where(m => split == "all" || m.Source.Split == split).ToList();
                var languages = ms.Where(m => m.Source.Language is not null && m.Seconds > 0)
                    .GroupBy(m => m.Source.Language!).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => string.Create(inv, $"{g.Key} {g.Sum(m => m.Minutes):F1} min"));
                Console.WriteLine(string.Create(inv,
                    $"| {split} | {ms.Select(m => m.Source.Package).Distinct().Count()} | {Hours(ms, RealSourceKind.Speech):F2} | {Hours(ms, RealSourceKind.Music):F2} | {Hours(ms, RealSourceKind.Noise):F2} | {ms.Sum(m => m.Seconds) / 3600:F2} | {(total > 0 ? 100 * ms.Sum(m => m.Seconds) / total : 0):F0} % | {string.Join(", ", languages)} |"));
            }
            foreach (var m in measures.Where(m => m.Problem is not null))
            {
                Console.Error.WriteLine($"warning: {m.Problem}");
            }
            return measures.Any(m => m.Problem is not null) ? 1 : 0;
        });
        return command;
    }

    /// <summary>`sal synth merge DIR`: the manifest of a corpus made in shards, once every shard has finished.</summary>
    private static Command Merge()
    {
        var folder = new Argument<string>("folder") { Description = "corpus folder the shards wrote into (their common --out)" };
        var command = new Command("merge", "Write the manifest of a corpus generated in shards (--shard K/N) after checking every clip; same bytes as an unsharded run");
        command.Arguments.Add(folder);
        CommandAction.Set(command, parse =>
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var result = SynthProgressView.Run(progress => CorpusMerger.Merge(parse.GetValue(folder)!, progress));
            Console.WriteLine($"wrote {result.ManifestPath}: {result.Clips} clips, {result.Hours * 60:F1} min of audio, checked in {started.Elapsed.TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }

    private static Command Task(string name, SynthTask task, string description)
    {
        var defaults = new SynthConfig { OutputDirectory = "" };
        var outOpt = new Option<string>("--out") { Description = "output folder", Required = true };
        var hours = new Option<double>("--hours") { Description = "approximate hours of audio", DefaultValueFactory = _ => 0.2 };
        var clips = new Option<int?>("--clips") { Description = "exact number of streams (overrides --hours)" };
        var seed = new Option<int>("--seed") { Description = "random seed (same seed, same bytes)", DefaultValueFactory = _ => 1 };
        var keyword = new Option<string>("--keyword") { Description = "keyword / trigger phrase", DefaultValueFactory = _ => defaults.Keyword };
        var confusable = new Option<string[]>("--confusable") { Description = "confusable negative phrase (repeatable; default derived from the keyword)", AllowMultipleArgumentsPerToken = false };
        var clipSeconds = new Option<double>("--clip-seconds") { Description = "target stream length, seconds", DefaultValueFactory = _ => defaults.ClipSeconds };
        var positive = new Option<double>("--positive-fraction") { Description = "share of streams with the keyword / wearer's phrase", DefaultValueFactory = _ => defaults.PositiveFraction };
        var nearMisses = EnumOption.Create<NearMissRule>("--near-misses", "near-miss rule",
            "which one-phoneme edits of the keyword are near misses: any-edit (default) | not-an-accent (not those whose IPA has the keyword's shape, as an accent's would)");
        var keywordAccents = new Option<double>("--keyword-accents")
        {
            Description = "kws: share of keywords said from an accent-shaped edit of the keyword (a changed vowel, an r, a dropped h) by an English espeak voice",
            DefaultValueFactory = _ => defaults.KeywordAccents,
        };
        var engines = new Option<string>("--engines") { Description = "TTS engines, comma separated", DefaultValueFactory = _ => string.Join(',', defaults.Engines) };
        var sources = new Option<string>("--sources") { Description = "real sources, comma separated, or 'none' (known: " + string.Join(", ", RealSourceCatalog.All.Select(s => s.Name)) + ")", DefaultValueFactory = _ => "all" };
        var cache = new Option<string>("--cache") { Description = "download/extract/decode cache for real sources", DefaultValueFactory = _ => defaults.SourceCacheDirectory };
        var snr = new Option<string>("--snr") { Description = "SNR range in dB, MIN:MAX", DefaultValueFactory = _ => $"{defaults.MinSnrDb:0.#}:{defaults.MaxSnrDb:0.#}" };
        var splits = new Option<string>("--splits") { Description = "train:dev:test shares of the streams", DefaultValueFactory = _ => $"{defaults.TrainFraction:0.##}:{defaults.DevFraction:0.##}:{1 - defaults.TrainFraction - defaults.DevFraction:0.##}" };
        var workers = new Option<int>("--workers") { Description = "parallel workers (does not change the output)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var force = new Option<bool>("--force") { Description = "use a folder holding files sal synth did not write, or discard a corpus made there with other settings" };
        var longFraction = new Option<double>("--long-fraction") { Description = "share of --hours made as long negative streams (speech, music, TV-like, ambience, near-silence; no keyword)", DefaultValueFactory = _ => defaults.LongFraction };
        var longStreams = new Option<int?>("--long-streams") { Description = "exact number of long negative streams (overrides --long-fraction; with --clips there are none unless set)" };
        var longSeconds = new Option<string>("--long-seconds") { Description = "length range of a long stream, seconds, MIN:MAX", DefaultValueFactory = _ => $"{defaults.LongMinSeconds:0.#}:{defaults.LongMaxSeconds:0.#}" };
        var longSplits = new Option<string>("--long-splits") { Description = "train:dev:test shares of the long-stream hours", DefaultValueFactory = _ => $"{defaults.LongTrainFraction:0.##}:{defaults.LongDevFraction:0.##}:{1 - defaults.LongTrainFraction - defaults.LongDevFraction:0.##}" };
        var shard = new Option<string>("--shard") { Description = "render only part K of N (e.g. 1/4) into the shared --out; shards run concurrently, then `sal synth merge` writes the manifest" };
        var conditions = new Option<string>("--conditions")
        {
            Description = "shares of the acoustic conditions, e.g. room=0.3,channel=0.15,babble=0.2,adjacent=0.3,overlap=0.2 (unnamed ones keep their defaults; 'none' turns all off)",
        };
        var command = new Command(name, description);
        foreach (var o in new Option[] { outOpt, hours, clips, seed, keyword, confusable, clipSeconds, positive, nearMisses, keywordAccents, engines, sources, cache, snr, conditions, splits, longFraction, longStreams, longSeconds, longSplits, workers, force, shard })
        {
            command.Options.Add(o);
        }
        CommandAction.Set(command, parse =>
        {
            var snrParts = parse.GetValue(snr)!.Split(':');
            if (snrParts.Length != 2 || !double.TryParse(snrParts[0], System.Globalization.CultureInfo.InvariantCulture, out var snrMin)
                || !double.TryParse(snrParts[1], System.Globalization.CultureInfo.InvariantCulture, out var snrMax))
            {
                throw new UsageException($"--snr must look like MIN:MAX, got '{parse.GetValue(snr)}'");
            }
            var (trainShare, devShare) = ParseSplits(parse.GetValue(splits)!, "--splits");
            var (longTrain, longDev) = ParseSplits(parse.GetValue(longSplits)!, "--long-splits", allowNoTrain: true);
            var longRange = parse.GetValue(longSeconds)!.Split(':');
            if (longRange.Length != 2 || !double.TryParse(longRange[0], System.Globalization.CultureInfo.InvariantCulture, out var longMin)
                || !double.TryParse(longRange[1], System.Globalization.CultureInfo.InvariantCulture, out var longMax))
            {
                throw new UsageException($"--long-seconds must look like MIN:MAX, got '{parse.GetValue(longSeconds)}'");
            }
            var sourceList = SourceList(parse.GetValue(sources)!);
            var conf = parse.GetValue(confusable);
            var config = new SynthConfig
            {
                Task = task,
                OutputDirectory = parse.GetValue(outOpt)!,
                Hours = parse.GetValue(hours),
                Clips = parse.GetValue(clips),
                Seed = parse.GetValue(seed),
                Keyword = parse.GetValue(keyword)!,
                Confusables = conf is { Length: > 0 } ? conf : null,
                ClipSeconds = parse.GetValue(clipSeconds),
                PositiveFraction = parse.GetValue(positive),
                NearMisses = parse.GetValue(nearMisses) ?? NearMissRule.AnyEdit,
                KeywordAccents = parse.GetValue(keywordAccents),
                Engines = parse.GetValue(engines)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Sources = sourceList,
                SourceCacheDirectory = parse.GetValue(cache)!,
                MinSnrDb = snrMin,
                MaxSnrDb = snrMax,
                TrainFraction = trainShare,
                DevFraction = devShare,
                LongFraction = parse.GetValue(longFraction),
                LongStreams = parse.GetValue(longStreams),
                LongMinSeconds = longMin,
                LongMaxSeconds = longMax,
                LongTrainFraction = longTrain,
                LongDevFraction = longDev,
                Workers = Math.Max(1, parse.GetValue(workers)),
                Force = parse.GetValue(force),
                Shard = parse.GetValue(shard) is { } part ? SynthShard.Parse(part) : null,
            };
            if (parse.GetValue(conditions) is { } shares)
            {
                config = WithConditions(config, shares);
            }
            var started = System.Diagnostics.Stopwatch.StartNew();
            var result = SynthProgressView.Run(progress => CorpusGenerator.Generate(config, progress));
            Console.WriteLine($"wrote {(config.Shard is { } s ? $"shard {s} ({result.ManifestPath})" : result.ManifestPath)}: {result.Clips} clips ({result.ClipsReused} reused, {result.ClipsRegenerated} regenerated), " +
                $"{result.Hours * 60:F1} min of audio in {started.Elapsed.TotalSeconds:F1} s");
            if (config.Shard is not null)
            {
                Console.WriteLine($"when every shard has finished: sal synth merge {config.OutputDirectory}");
            }
            else
            {
                SynthSummaryView.Print(CorpusSummary.Read(result.ManifestPath));
            }
            foreach (var w in result.Warnings)
            {
                Console.Error.WriteLine($"warning: {w}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The --sources value: "all" (the catalogue), "none", or names separated by commas.</summary>
    internal static IReadOnlyList<string> SourceList(string text)
    {
        text = text.Trim();
        return text.Equals("all", StringComparison.OrdinalIgnoreCase) ? new SynthConfig { OutputDirectory = "" }.Sources
            : text.Equals("none", StringComparison.OrdinalIgnoreCase) ? []
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Applies <c>--conditions</c>: <c>name=share</c> pairs, or <c>none</c> for dry streams at their mixed level.</summary>
    private static SynthConfig WithConditions(SynthConfig config, string text)
    {
        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return config with
            {
                RoomProbability = 0, ChannelProbability = 0, BabbleProbability = 0, AdjacentSpeechProbability = 0, OverlapProbability = 0,
            };
        }
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var share)
                || !(share >= 0 && share <= 1))
            {
                throw new UsageException($"--conditions: '{pair}' should be NAME=SHARE with a share within 0..1");
            }
            config = parts[0].ToLowerInvariant() switch
            {
                "room" => config with { RoomProbability = share },
                "channel" or "codec" => config with { ChannelProbability = share },
                "babble" => config with { BabbleProbability = share },
                "adjacent" => config with { AdjacentSpeechProbability = share },
                "overlap" => config with { OverlapProbability = share },
                "reverb" => config with { ReverbProbability = share },
                _ => throw new UsageException($"--conditions: unknown condition '{parts[0]}' (known: room, channel, babble, adjacent, overlap, reverb)"),
            };
        }
        return config;
    }

    /// <summary>"0.5:0.1:0.4" to train and dev fractions; the shares must be non-negative and sum to 1.</summary>
    private static (double Train, double Dev) ParseSplits(string text, string option, bool allowNoTrain = false)
    {
        var parts = text.Split(':');
        var values = new double[parts.Length];
        var ok = parts.Length == 3;
        for (var i = 0; ok && i < 3; i++)
        {
            ok = double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i])
                && values[i] >= 0 && double.IsFinite(values[i]);
        }
        if (!ok || Math.Abs(values.Sum() - 1) > 1e-6 || (values[0] <= 0 && !allowNoTrain))
        {
            throw new UsageException($"{option} must be TRAIN:DEV:TEST shares summing to 1{(allowNoTrain ? "" : " with TRAIN > 0")}, got '{text}'");
        }
        return (values[0], values[1]);
    }
}
