using System.CommandLine;
using System.Globalization;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal bench synth`: generates a corpus into an empty folder (TTS cache cold, source cache as it is) and prints
/// synthesis throughput in audio-hours per wall-hour, overall and per stage (TTS, rendering, writing), the TTS reuse,
/// the disk use, the load average, and what that rate means for a 20 h corpus.
/// </summary>
internal static class BenchSynthCommand
{
    public static Command Create()
    {
        var task = new Option<SynthTask>("--task") { Description = "kws, onset or trigger", DefaultValueFactory = _ => SynthTask.Kws };
        var hours = new Option<double>("--hours") { Description = "hours of audio to generate (clips and long streams, as sal synth --hours)", DefaultValueFactory = _ => 1 };
        var outOpt = new Option<string?>("--out") { Description = "folder for the corpus (must not exist or be empty; default: a temporary folder, deleted afterwards)" };
        var workers = new Option<int>("--workers") { Description = "parallel workers", DefaultValueFactory = _ => Environment.ProcessorCount };
        var sources = new Option<string>("--sources") { Description = "real sources, comma separated, 'all' or 'none'", DefaultValueFactory = _ => "all" };
        var seed = new Option<int>("--seed") { Description = "random seed", DefaultValueFactory = _ => 1 };
        var command = new Command("synth", "Corpus synthesis throughput (audio-hours per wall-hour) per stage: TTS, rendering, writing");
        foreach (var o in new Option[] { task, hours, outOpt, workers, sources, seed })
        {
            command.Options.Add(o);
        }
        CommandAction.Set(command, parse =>
        {
            if (!(parse.GetValue(hours) > 0))
            {
                throw new UsageException($"--hours must be positive, got {parse.GetValue(hours)}");
            }
            var given = parse.GetValue(outOpt);
            if (given is not null && Directory.Exists(given) && Directory.EnumerateFileSystemEntries(given).Any())
            {
                throw new UsageException($"--out {given}: not empty (the benchmark starts from an empty folder, cold TTS cache)");
            }
            var dir = given ?? Path.Combine(Path.GetTempPath(), $"sal-bench-synth-{Environment.ProcessId}");
            var config = new SynthConfig
            {
                Task = parse.GetValue(task),
                OutputDirectory = dir,
                Hours = parse.GetValue(hours),
                Seed = parse.GetValue(seed),
                Workers = Math.Max(1, parse.GetValue(workers)),
                Sources = SynthCommand.SourceList(parse.GetValue(sources)!),
            };
            var loadBefore = MachineLoad.Average();
            var started = System.Diagnostics.Stopwatch.StartNew();
            var cpuBefore = SynthTimings.ProcessCpuSeconds();
            try
            {
                var result = SynthProgressView.Run(progress => CorpusGenerator.Generate(config, progress));
                Print(config, result, started.Elapsed.TotalSeconds, SynthTimings.ProcessCpuSeconds() - cpuBefore, loadBefore, MachineLoad.Average(),
                    CorpusSummary.Read(result.ManifestPath));
            }
            finally
            {
                if (given is null && Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
            return 0;
        });
        return command;
    }

    private static void Print(SynthConfig config, SynthResult result, double wall, double cpu, string loadBefore, string loadAfter,
        CorpusSummary summary)
    {
        var inv = CultureInfo.InvariantCulture;
        var t = result.Timings!;
        var audio = result.Hours;
        var w = config.Workers;
        var cores = Math.Min(w, Environment.ProcessorCount);
        string Rate(double seconds) => seconds > 0 ? (audio / (seconds / 3600)).ToString("F1", inv) : "-";
        Console.WriteLine(string.Create(inv, $"synth benchmark: {config.Task.ToString().ToLowerInvariant()} --hours {config.Hours}, {result.Clips} streams, {audio:F2} h of audio, {w} workers, {Environment.ProcessorCount} cores"));
        Console.WriteLine($"load average (1, 5, 15 min): {loadBefore} before, {loadAfter} after");
        // Wall time follows the load of a shared machine; CPU time (this process and its espeak/sox/ffmpeg children)
        // over the cores used is what the stage takes on an idle machine if it keeps them busy.
        Console.WriteLine($"stage                     wall s  audio-h/wall-h   cpu s  audio-h/h on {cores} idle cores");
        void Row(string name, double seconds, double cpuSeconds) => Console.WriteLine(string.Create(inv,
            $"{name,-24} {seconds,7:F1}  {Rate(seconds),14}  {cpuSeconds,6:F1}  {Rate(cpuSeconds / cores),10}"));
        Row("sources and voices", t.SourcesSeconds, t.SourcesCpu);
        Row("plan", t.PlanSeconds, t.PlanCpu);
        Row("tts", t.TtsSeconds, t.TtsCpu);
        Row("render loop", t.RenderLoopSeconds, t.RenderLoopCpu);
        // Worker seconds split the loop: rendering (reads, mixing, sox) against writing (WAV, digests, sidecar).
        var share = t.RenderWorkerSeconds + t.WriteWorkerSeconds is var sum && sum > 0 ? t.RenderWorkerSeconds / sum : 1;
        Row("  rendering", t.RenderLoopSeconds * share, t.RenderLoopCpu * share);
        Row("  writing", t.RenderLoopSeconds * (1 - share), t.RenderLoopCpu * (1 - share));
        Row("total", wall, cpu);
        Console.WriteLine(string.Create(inv,
            $"tts reuse: {t.TtsRequests} utterances planned, {t.TtsDistinct} distinct ({(t.TtsRequests > 0 ? 1 - (double)t.TtsDistinct / t.TtsRequests : 0):P0} reused), {t.TtsSynthesised} synthesised"));
        Console.WriteLine(string.Create(inv,
            $"disk: {(summary.AudioBytes + summary.StreamBytes) / 1048576.0:F1} MB of audio and streams ({(summary.AudioBytes + summary.StreamBytes) / 1048576.0 / Math.Max(audio, 1e-9):F0} MB per audio hour), work folder {summary.WorkBytes / 1048576.0:F1} MB"));
        Console.WriteLine(string.Create(inv,
            $"20 h of audio at this rate: {20 * wall / audio / 60:F0} min wall as measured, {20 * cpu / cores / audio / 60:F0} min on {cores} idle cores (budget 30 min)"));
    }
}
