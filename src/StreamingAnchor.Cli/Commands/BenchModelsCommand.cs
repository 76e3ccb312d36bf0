using StreamingAnchor.Cli.Output;
using System.CommandLine;
using Spectre.Console;
using StreamingAnchor.Evaluation.Peers;
using StreamingAnchor.Export;
using StreamingAnchor.Models;

namespace StreamingAnchor.Cli.Commands;

/// <summary>`sal bench models`: per-frame streaming cost of every preset, TorchSharp and ONNX Runtime side by side.</summary>
internal static class BenchModelsCommand
{
    public static Command Create()
    {
        var family = EnumOption.List("--model", "model family", "Families, comma separated, or 'all'", ModelPreset.Families, all: true);
        var preset = EnumOption.List("--preset", "preset", "Presets, comma separated, or 'all'", ModelPreset.Sizes, all: true);
        var frames = new Option<int>("--frames") { Description = "Timed frames per model and runtime (after 50 warm-up frames)", DefaultValueFactory = _ => 2000 };
        var inputDim = new Option<int>("--input-dim") { Description = "Features per frame", DefaultValueFactory = _ => 40 };
        var peers = new Option<bool>("--peers") { Description = "Also time openWakeWord and Silero VAD v5 per 10 ms the same way (their models come from the peers' cache, fetched like `sal peers` does)" };
        var peersCache = new Option<DirectoryInfo?>("--peers-cache")
        {
            Description = $"Folder for the peers' models (default ${PeerModelCache.CacheEnvironmentVariable} or ~/.cache/streaminganchor/peers)",
        };
        var command = new Command("models", "Per-frame streaming cost (µs per 10 ms frame, real-time factor) on one thread: TorchSharp, ONNX Runtime, and the raw-audio graph");
        command.Options.Add(family);
        command.Options.Add(preset);
        command.Options.Add(frames);
        command.Options.Add(inputDim);
        command.Options.Add(peers);
        command.Options.Add(peersCache);
        CommandAction.Set(command, parse =>
        {
            var families = parse.GetValue(family)!;
            var presets = parse.GetValue(preset)!;
            var configs = families.SelectMany(fam => presets.Select(pre => new ModelConfig { Family = fam, Preset = pre })).ToArray();
            var count = parse.GetValue(frames);
            if (count < 1)
            {
                throw new UsageException("--frames: must be at least 1");
            }

            var loadBefore = MachineLoad.Average();
            var scratch = Path.Combine(Path.GetTempPath(), $"sal-bench-{Environment.ProcessId}");
            IReadOnlyList<RuntimeBenchmarkRow> rows;
            try
            {
                rows = RuntimeBenchmark.Run(configs, parse.GetValue(inputDim), count, scratch, new SyncProgress(m => Console.Error.WriteLine($"bench: {m}")));
            }
            finally
            {
                if (Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }

            Console.WriteLine($"load average {loadBefore} at start, {MachineLoad.Average()} at end");
            Console.WriteLine($"{Environment.ProcessorCount} cores, 1 thread per runtime, {count} frames of 1 x {parse.GetValue(inputDim)} each, batch 1; RTF = CPU time of the streaming thread per frame / 10 ms; wall time also counts waiting for a core");
            Console.WriteLine("features path = C# fbank + CMVN + the features ONNX graph (audio to logits); raw-audio graph = the same inside one ONNX graph with posteriors and the smoothed score, one 160-sample call per frame (and per frame with 1600-sample calls)");
            Console.WriteLine("onnx = the single-frame features graph (the export's default), multi = the multi-frame graph (every export before format 2), carried = the single-frame graph with residual blocks carried through their Gemms (no Add node), all timed in this run; nodes = as exported / as ONNX Runtime runs them after its fusions; GFLOP/s = 2 x MACs/frame over CPU µs/frame");
            string[] header = ["model", "preset", "params", "MACs/frame", "torch µs/frame", "onnx µs/frame", "onnx nodes", "onnx GFLOP/s", "multi µs/frame", "multi nodes", "multi/onnx", "carried µs/frame", "carried nodes", "carried/onnx", "torch RTF", "onnx RTF", "torch/onnx", "torch wall µs", "onnx wall µs", "fbank+cmvn µs (C#)", "features path µs", "raw-audio graph µs", "raw wall µs", "raw µs @100 ms calls"];
            var cells = rows.Select(r => new[]
            {
                r.Family, r.Preset, r.Parameters.ToString("N0"), r.MacsPerFrame.ToString("N0"), r.TorchCpuMicroseconds.ToString("F1"),
                r.OnnxCpuMicroseconds.ToString("F1"), $"{r.SingleFrame.Nodes}/{r.SingleFrame.OptimizedNodes}", r.OnnxGflops.ToString("F2"),
                r.MultiFrame.CpuMicroseconds.ToString("F1"), $"{r.MultiFrame.Nodes}/{r.MultiFrame.OptimizedNodes}",
                (r.MultiFrame.CpuMicroseconds / r.OnnxCpuMicroseconds).ToString("F1") + "x",
                r.SingleFrameCarried.CpuMicroseconds.ToString("F1"), $"{r.SingleFrameCarried.Nodes}/{r.SingleFrameCarried.OptimizedNodes}",
                (r.SingleFrameCarried.CpuMicroseconds / r.OnnxCpuMicroseconds).ToString("F2") + "x", r.TorchRealTimeFactor.ToString("F4"), r.OnnxRealTimeFactor.ToString("F4"),
                (r.TorchCpuMicroseconds / r.OnnxCpuMicroseconds).ToString("F1") + "x", r.TorchWallMicroseconds.ToString("F1"),
                r.OnnxWallMicroseconds.ToString("F1"), r.FrontEndCpuMicroseconds.ToString("F1"), r.FeaturesPathCpuMicroseconds.ToString("F1"),
                double.IsNaN(r.RawCpuMicroseconds) ? "-" : r.RawCpuMicroseconds.ToString("F1"), double.IsNaN(r.RawWallMicroseconds) ? "-" : r.RawWallMicroseconds.ToString("F1"),
                double.IsNaN(r.RawBatchedCpuMicroseconds) ? "-" : r.RawBatchedCpuMicroseconds.ToString("F1"),
            }).ToArray();
            ConsoleTable.Write(header, cells);
            if (parse.GetValue(peers))
            {
                var cache = new PeerModelCache(parse.GetValue(peersCache)?.FullName);
                var peerRows = PeerRuntimeBenchmark.Run(cache, count, new SyncProgress(m => Console.Error.WriteLine($"bench: {m}")));
                Console.WriteLine("peers, timed the same way (thread CPU time, one intra-op thread) through the wrappers `sal peers` scores with:");
                ConsoleTable.Write(["peer", "params", "samples/call", "µs/call", "µs per 10 ms"], peerRows.Select(r => new[]
                {
                    r.Name, r.Parameters.ToString("N0"), r.SamplesPerCall.ToString(), r.CpuMicrosecondsPerCall.ToString("F1"), r.CpuMicrosecondsPer10Ms.ToString("F1"),
                }).ToArray());
            }

            return 0;
        });
        return command;
    }

    /// <summary>Reports on the calling thread, so progress lines interleave in order with the table.</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
