using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal bench tts`: utterances per second of each TTS engine, side by side in one run, through the corpus generator's
/// own cache filler (one worker, an empty cache, festival batched as in a corpus), for the keyword with its prosody
/// draws and for background sentences, each from seeded speaker configurations of the training voices.
/// </summary>
internal static class BenchTtsCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--utterances") { Description = "Utterances per engine and kind", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "Seed of the speaker configurations", DefaultValueFactory = _ => 1 };
        var command = new Command("tts", "Utterances per second of espeak-ng, flite and festival (keyword and sentences), one worker");
        command.Options.Add(count);
        command.Options.Add(seed);
        CommandAction.Set(command, parse =>
        {
            var n = parse.GetValue(count);
            if (n <= 0)
            {
                throw new UsageException("--utterances must be positive");
            }
            Run(n, parse.GetValue(seed));
            return 0;
        });
        return command;
    }

    private static void Run(int n, int seed)
    {
        var config = new SynthConfig { OutputDirectory = "" };
        var engines = config.Engines.Select(CorpusGenerator.Engine).Where(e =>
        {
            if (e.Unavailable() is { } why)
            {
                Console.Error.WriteLine($"warning: {why}; not measured");
                return false;
            }
            return true;
        }).ToList();
        var catalog = VoiceCatalog.Build(engines, config.Keyword, Environment.ProcessorCount);
        var sentences = TextBank.SentencesAvoiding(config.Keyword);
        var table = new Table().AddColumns("engine", "kind", "utterances", "seconds", "utterances/s", "audio s per s");
        foreach (var engine in engines)
        {
            var voices = catalog.Voices.Where(v => v.Engine == engine.Kind && catalog.SplitOf[v.Id] == "train").ToList();
            foreach (var kind in new[] { ItemKind.Keyword, ItemKind.Sentence })
            {
                var rng = new Random(SplitAssigner.DeriveSeed(seed, (int)engine.Kind, (int)kind));
                var pool = kind == ItemKind.Keyword ? voices.Where(v => catalog.KeywordVoices.Contains(v.Id)).ToList() : voices;
                var requests = Enumerable.Range(0, n).Select(_ => kind == ItemKind.Keyword
                    ? VoicePerturbation.DrawWithProsody(rng, pool[rng.Next(pool.Count)], config.Keyword)
                    : VoicePerturbation.Draw(rng, pool[rng.Next(pool.Count)], sentences[rng.Next(sentences.Count)])).ToList();
                var dir = Path.Combine(Path.GetTempPath(), $"sal-bench-tts-{Environment.ProcessId}-{engine.Kind}-{kind}");
                try
                {
                    var cache = new TtsCache(Path.Combine(dir, "tts"), new Dictionary<TtsEngineKind, ITtsEngine> { [engine.Kind] = engine },
                        Path.Combine(dir, "scratch"));
                    var clock = Stopwatch.StartNew();
                    cache.Fill(requests, 1, null, CancellationToken.None);
                    var seconds = clock.Elapsed.TotalSeconds;
                    var distinct = requests.DistinctBy(r => r.CacheKey).ToList();
                    var audio = distinct.Sum(r => cache.Load(r).Length) / (double)SpeechCut.Rate;
                    table.AddRow(engine.Kind.ToString().ToLowerInvariant(), kind.ToString().ToLowerInvariant(), $"{distinct.Count}",
                        $"{seconds:F2}", $"{distinct.Count / seconds:F1}", $"{audio / seconds:F1}");
                }
                finally
                {
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir, recursive: true);
                    }
                }
            }
        }
        AnsiConsole.Write(table);
        Console.WriteLine($"load average {MachineLoad.Average()} (other jobs on the machine slow every row alike)");
    }
}
