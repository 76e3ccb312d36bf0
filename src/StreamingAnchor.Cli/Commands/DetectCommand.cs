using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StreamingAnchor.Audio;
using StreamingAnchor.Evaluation;
using StreamingAnchor.Inference;

namespace StreamingAnchor.Cli.Commands;

/// <summary>
/// `sal detect MODEL INPUT...`: detections from a run folder or an .onnx export (either graph) on audio files
/// (WAV, or anything ffmpeg decodes), on stdin (`-`: raw s16le or WAV) or live from the microphone (`--mic`, arecord),
/// with the threshold read from the model card at a false-alarm budget. The loop is `sal stream`'s (StreamingPipeline).
/// </summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Run folder or exported .onnx (features or raw-audio graph)" };
        var inputs = new Argument<string[]>("input") { Description = "Audio files (WAV, FLAC, MP3, OGG, ...), or - for stdin (raw s16le mono or WAV)", Arity = ArgumentArity.ZeroOrMore };
        var mic = new Option<bool>("--mic") { Description = "Listen to the default ALSA capture device (arecord) until interrupted" };
        var seconds = new Option<double>("--seconds") { Description = "With --mic or -: stop after this much audio (0 = until the input ends)", DefaultValueFactory = _ => 0 };
        var faPerHour = new Option<double?>("--fa-per-hour") { Description = "Use the model card's threshold for this false-alarm budget" };
        var threshold = new Option<double?>("--threshold") { Description = "Detection threshold on the smoothed score (instead of a budget)" };
        var json = new Option<bool>("--json") { Description = "One JSON object per detection (input, time_s, label, score, frame) instead of a table" };
        var chunkMs = new Option<double>("--chunk-ms") { Description = "Audio pushed per step, in milliseconds", DefaultValueFactory = _ => 10 };
        var trace = new Option<string?>("--trace") { Description = "With one file input: write per-frame posteriors (time_s,posterior) to this CSV" };
        var command = new Command("detect", "Detect keywords/events in audio files, stdin or the microphone with a run or an exported model");
        command.Arguments.Add(model);
        command.Arguments.Add(inputs);
        foreach (var option in new Option[] { mic, seconds, faPerHour, threshold, json, chunkMs, trace })
        {
            command.Options.Add(option);
        }

        CommandAction.Set(command, parse =>
        {
            var files = parse.GetValue(inputs) ?? [];
            var live = parse.GetValue(mic);
            string? usage = (files.Length, live) switch
            {
                (0, false) => "give audio files, - for stdin, or --mic",
                (> 0, true) => "--mic takes no input files",
                _ when files.Count(f => f == "-") > 1 => "stdin (-) can be read once",
                _ when parse.GetValue(faPerHour) is not null && parse.GetValue(threshold) is not null => "give --fa-per-hour or --threshold, not both",
                _ when parse.GetValue(trace) is not null && (files.Length != 1 || files[0] == "-") => "--trace goes with exactly one file input",
                _ when parse.GetValue(chunkMs) <= 0 => "--chunk-ms must be positive",
                _ when parse.GetValue(seconds) < 0 => "--seconds must be zero or positive",
                _ => null,
            };
            if (usage is not null)
            {
                throw new UsageException($"detect: {usage}");
            }

            using var source = ModelSource.Open(parse.GetValue(model)!);
            var (chosen, why) = Threshold(source, parse.GetValue(faPerHour), parse.GetValue(threshold));
            var detector = (source.Detector ?? new DetectorConfig()) with { Threshold = chosen };
            var pipeline = new StreamingPipeline(source.Scorer, source.FrontEnd, detector);
            if (pipeline.StreamNames.Count > 0)
            {
                throw new InvalidDataException(
                    $"{source.Name}: the model also reads the streams {string.Join(", ", pipeline.StreamNames)}; sal detect feeds audio only (use sal stream --stream NAME=FILE)");
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"detect: threshold {EvaluationSummary.Threshold(chosen)} ({why}), smoothing {detector.SmoothingFrames} frames, refractory {detector.RefractorySeconds:0.###} s"));
            var rate = source.FrontEnd.SampleRate;
            var chunk = Math.Max(1, (int)Math.Round(parse.GetValue(chunkMs) * rate / 1000.0));
            var writer = new DetectionWriter(parse.GetValue(json), source.Labels);
            if (live)
            {
                Listen(pipeline, writer, chunk, rate, parse.GetValue(seconds));
                return 0;
            }

            foreach (var file in files)
            {
                if (file == "-")
                {
                    var reader = new Pcm16Reader(Console.OpenStandardInput(), "stdin", rate);
                    Stream(pipeline, writer, reader, "-", chunk, rate, parse.GetValue(seconds));
                    continue;
                }

                var audio = AudioDecoder.Read(file, rate);
                var result = pipeline.Run(audio, chunk);
                foreach (var d in result.Detections)
                {
                    writer.Write(file, d);
                }

                if (parse.GetValue(trace) is { } target)
                {
                    PosteriorTraceCsv.Write(target, result, pipeline.FrameEndTime, source.Labels);
                }
            }

            return 0;
        });
        return command;
    }

    private static (double Threshold, string Why) Threshold(ModelSource source, double? budget, double? given)
    {
        if (given is { } t)
        {
            return (t, "--threshold");
        }

        if (budget is { } b)
        {
            return (StreamingAnchor.Export.ModelCard.ThresholdFor(source.Thresholds, b, source.Name),
                string.Create(CultureInfo.InvariantCulture, $"model card: at most {b} FA/h on the evaluation set"));
        }

        var first = (source.Thresholds as System.Text.Json.Nodes.JsonArray)?.FirstOrDefault(e => e?["threshold"] is not null);
        if (first is not null)
        {
            return (first["threshold"]!.GetValue<double>(), string.Create(CultureInfo.InvariantCulture,
                $"model card's first budget, {first["fa_per_hour_budget"]!.GetValue<double>()} FA/h; choose with --fa-per-hour"));
        }

        var fallback = new DetectorConfig().Threshold;
        return (fallback, "default: the model has no thresholds from an evaluation; choose with --threshold");
    }

    /// <summary>Streams until the input ends (returns true) or <paramref name="seconds"/> of audio were read (false).</summary>
    private static bool Stream(StreamingPipeline pipeline, DetectionWriter writer, Pcm16Reader reader, string name, int chunk, int rate, double seconds)
    {
        var session = pipeline.Start(keepPosteriors: false);
        var limit = seconds > 0 ? (long)(seconds * rate) : long.MaxValue;
        long read = 0;
        while (read < limit)
        {
            var samples = reader.Read((int)Math.Min(chunk, limit - read));
            if (samples.Length == 0)
            {
                return true;
            }

            read += samples.Length;
            foreach (var d in session.Push(samples))
            {
                writer.Write(name, d);
            }
        }

        return false;
    }

    private static void Listen(StreamingPipeline pipeline, DetectionWriter writer, int chunk, int rate, double seconds)
    {
        if (!ToolRunner.Exists("arecord"))
        {
            throw new IOException("microphone: arecord is not installed (apt-get install alsa-utils), so there is no capture; pipe audio to `sal detect MODEL -` instead");
        }

        var info = new ProcessStartInfo("arecord") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", rate.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new IOException("microphone: arecord did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stoppedByUs = false;
        ConsoleCancelEventHandler stop = (_, e) =>
        {
            e.Cancel = true; // end the loop normally: arecord's pipe closes and the last detections are printed
            stoppedByUs = true;
            try { process.Kill(); } catch (InvalidOperationException) { }
        };
        Console.CancelKeyPress += stop;
        try
        {
            Console.Error.WriteLine("detect: listening (Ctrl-C to stop)");
            var reader = new Pcm16Reader(process.StandardOutput.BaseStream, "microphone", rate);
            if (!Stream(pipeline, writer, reader, "mic", chunk, rate, seconds))
            {
                stoppedByUs = true; // --seconds reached
            }
        }
        finally
        {
            Console.CancelKeyPress -= stop;
            if (stoppedByUs && !process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit();
        }

        // Only an arecord that ended by itself failed; one we stopped exits non-zero too.
        if (!stoppedByUs && process.ExitCode != 0)
        {
            // arecord's last line is its own summary ("audio open error: ..."); ALSA's library chatter comes before it.
            var lines = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            throw new IOException($"microphone: no capture device usable (arecord: {(lines.Length > 0 ? lines[^1] : $"exit code {process.ExitCode}")})");
        }
    }

    /// <summary>Detections as a tab-separated table (header once) or JSON lines, flushed per line for live use.</summary>
    private sealed class DetectionWriter(bool json, IReadOnlyList<string> labels)
    {
        private bool headerDone;

        public void Write(string input, Detection d)
        {
            var label = PosteriorTraceCsv.Label(labels, d.Label - 1);
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["input"] = input, ["time_s"] = Math.Round(d.Time, 3), ["label"] = label, ["score"] = Math.Round(d.Score, 6), ["frame"] = d.Frame,
                }));
            }
            else
            {
                if (!headerDone)
                {
                    Console.WriteLine("input\ttime_s\tlabel\tscore");
                    headerDone = true;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{input}\t{d.Time:0.000}\t{label}\t{d.Score:0.000}"));
            }

            Console.Out.Flush();
        }
    }
}
