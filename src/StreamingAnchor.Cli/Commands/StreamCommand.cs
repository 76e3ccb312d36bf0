using System.CommandLine;
using System.Globalization;
using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Inference;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal stream`: audio through the streaming front end and the model in real-time order, printing detections and
/// optionally writing per-frame posterior traces. With --onnx nothing here touches libtorch.
/// </summary>
internal static class StreamCommand
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "Run directory (TorchSharp model)" };
        var onnx = new Option<string?>("--onnx") { Description = "Exported ONNX model, features or raw-audio graph (no libtorch)" };
        var wav = new Option<string?>("--wav") { Description = "One WAV file" };
        var wavDir = new Option<string?>("--wav-dir") { Description = "Every *.wav in this folder" };
        var trace = new Option<string?>("--trace") { Description = "With --wav: write per-frame posteriors (time_s,posterior) to this CSV" };
        var traceDir = new Option<string?>("--trace-dir") { Description = "With --wav-dir: write one <name>.csv trace per WAV here" };
        var chunkMs = new Option<double>("--chunk-ms") { Description = "Audio pushed per step, in milliseconds", DefaultValueFactory = _ => 10 };
        var threshold = new Option<double>("--threshold") { Description = "Detection threshold on the smoothed posterior", DefaultValueFactory = _ => 0.5 };
        var smoothing = new Option<int>("--smoothing") { Description = "Causal moving-average window in frames", DefaultValueFactory = _ => 5 };
        var refractory = new Option<double>("--refractory") { Description = "Seconds after a detection during which no other fires", DefaultValueFactory = _ => 1.0 };
        var streamFiles = new Option<string[]>("--stream")
        {
            Description = "With --wav: an extra per-frame stream the model reads, NAME=FILE.npy (repeat per stream); with --wav-dir each WAV's streams are <name>.<NAME>.npy beside it",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("stream", "Run audio through the streaming front end and model in real-time order; print detections");
        foreach (var option in new Option[] { run, onnx, wav, wavDir, trace, traceDir, chunkMs, threshold, smoothing, refractory, streamFiles })
        {
            command.Options.Add(option);
        }

        CommandAction.Set(command, parse =>
        {
            var runPath = parse.GetValue(run);
            var onnxPath = parse.GetValue(onnx);
            var wavPath = parse.GetValue(wav);
            var wavFolder = parse.GetValue(wavDir);
            var tracePath = parse.GetValue(trace);
            var traceFolder = parse.GetValue(traceDir);
            string? usage = (runPath, onnxPath, wavPath, wavFolder) switch
            {
                (null, null, _, _) or (not null, not null, _, _) => "give exactly one of --run and --onnx",
                (_, _, null, null) or (_, _, not null, not null) => "give exactly one of --wav and --wav-dir",
                _ when tracePath is not null && wavPath is null => "--trace goes with --wav (use --trace-dir with --wav-dir)",
                _ when traceFolder is not null && wavFolder is null => "--trace-dir goes with --wav-dir",
                _ when parse.GetValue(chunkMs) <= 0 => "--chunk-ms must be positive",
                _ when parse.GetValue(streamFiles) is { Length: > 0 } && wavPath is null => "--stream goes with --wav (with --wav-dir streams are found beside each WAV)",
                _ => null,
            };
            if (usage is not null)
            {
                throw new UsageException($"stream: {usage}");
            }

            var given = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(streamFiles) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == pair.Length - 1 || !given.TryAdd(pair[..eq], pair[(eq + 1)..]))
                {
                    throw new UsageException($"stream: --stream {pair}: expected NAME=FILE, each name once");
                }
            }

            var detector = new DetectorConfig
            {
                Threshold = parse.GetValue(threshold), SmoothingFrames = parse.GetValue(smoothing), RefractorySeconds = parse.GetValue(refractory),
            };
            using var source = ModelSource.Open(onnxPath ?? runPath!);
            var pipeline = new StreamingPipeline(source.Scorer, source.FrontEnd, detector);
            var unknown = given.Keys.FirstOrDefault(n => !pipeline.StreamNames.Contains(n));
            if (unknown is not null)
            {
                throw new UsageException(pipeline.StreamNames.Count == 0
                    ? $"stream: --stream {unknown}: the model reads audio only"
                    : $"stream: --stream {unknown}: the model reads the streams {string.Join(", ", pipeline.StreamNames)}");
            }

            return Stream(pipeline, source, parse.GetValue(chunkMs), wavPath, wavFolder, tracePath, traceFolder, given);
        });
        return command;
    }

    private static int Stream(StreamingPipeline pipeline, ModelSource source, double chunkMs, string? wavPath, string? wavFolder, string? tracePath,
        string? traceFolder, IReadOnlyDictionary<string, string> streamFiles)
    {
        string[] files;
        if (wavPath is not null)
        {
            files = [wavPath];
        }
        else if (!Directory.Exists(wavFolder))
        {
            throw new DirectoryNotFoundException($"{wavFolder}: folder not found");
        }
        else
        {
            files = Directory.GetFiles(wavFolder!, "*.wav").Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 0)
            {
                throw new FileNotFoundException($"{wavFolder}: no .wav files");
            }
        }

        var rate = source.FrontEnd.SampleRate;
        var chunk = Math.Max(1, (int)Math.Round(chunkMs * rate / 1000.0));
        var failures = 0;
        Console.WriteLine(files.Length == 1 ? "time_s\tlabel\tscore" : "file\ttime_s\tlabel\tscore");
        for (var i = 0; i < files.Length; i++)
        {
            var file = files[i];
            if (files.Length > 1)
            {
                Console.Error.WriteLine($"[{i + 1}/{files.Length}] {Path.GetFileName(file)}");
            }

            try
            {
                var clip = WavFile.Read(file, rate, requireSamples: true);
                var result = pipeline.Run(clip.Samples, chunk, ReadStreams(pipeline.StreamNames, file, streamFiles));
                foreach (var d in result.Detections)
                {
                    var line = string.Create(CultureInfo.InvariantCulture,
                        $"{d.Time:0.000}\t{PosteriorTraceCsv.Label(source.Labels, d.Label - 1)}\t{d.Score:0.000}");
                    Console.WriteLine(files.Length == 1 ? line : $"{Path.GetFileName(file)}\t{line}");
                }

                var target = tracePath ?? (traceFolder is null ? null : Path.Combine(traceFolder, Path.GetFileNameWithoutExtension(file) + ".csv"));
                if (target is not null)
                {
                    PosteriorTraceCsv.Write(target, result, pipeline.FrameEndTime, source.Labels);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
            {
                // One bad WAV of a folder does not lose the others' detections: its error line, then the next file.
                Console.Error.WriteLine(CommandAction.ItemError(e, file));
                failures++;
            }
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// The extra streams a multi-modal model reads for one WAV: the --stream files, or NAME.npy beside the WAV
    /// (`clip.wav` -> `clip.accel.npy`, how `sal synth trigger` names them).
    /// </summary>
    private static IReadOnlyList<FeatureMatrix> ReadStreams(IReadOnlyList<string> names, string wav, IReadOnlyDictionary<string, string> given)
    {
        var streams = new List<FeatureMatrix>(names.Count);
        foreach (var name in names)
        {
            var path = given.TryGetValue(name, out var file)
                ? file
                : Path.Combine(Path.GetDirectoryName(wav) ?? ".", $"{Path.GetFileNameWithoutExtension(wav)}.{name}.npy");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(given.ContainsKey(name)
                    ? $"{path}: stream '{name}' not found"
                    : $"{path}: the model reads the stream '{name}': give --stream {name}=FILE.npy or put it beside the WAV", path);
            }

            streams.Add(FrameStreamFile.Read(path));
        }

        return streams;
    }
}
