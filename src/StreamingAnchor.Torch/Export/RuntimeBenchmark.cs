using System.Diagnostics;
using StreamingAnchor.Audio;
using StreamingAnchor.Models;
using TorchSharp;

namespace StreamingAnchor.Export;

/// <summary>
/// Per-frame streaming cost of models, TorchSharp Step and the exported ONNX step side by side in one process,
/// one thread each, one frame (10 ms) per call as a device would run them.
/// </summary>
public static class RuntimeBenchmark
{
    public static IReadOnlyList<RuntimeBenchmarkRow> Run(
        IEnumerable<ModelConfig> configs, int inputDim, int frames, string scratchDirectory, IProgress<string>? progress = null)
    {
        torch.set_num_threads(1);
        var rows = new List<RuntimeBenchmarkRow>();
        var rng = new Random(1234);
        var input = Enumerable.Range(0, frames * inputDim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        Directory.CreateDirectory(scratchDirectory);
        // Audio for the front end and the raw-audio graph: noise, so every mel bin carries energy like a real microphone.
        var fbank = new FbankConfig();
        var audio = Enumerable.Range(0, (frames + 60) * fbank.HopSamples + fbank.WindowSamples).Select(_ => (float)(0.1 * (rng.NextDouble() * 2 - 1))).ToArray();
        var normalizer = FeatureNormalizer.Fit([new FbankExtractor(fbank).Compute(audio)]);
        foreach (var config in configs)
        {
            progress?.Report($"{config.Family.Name()}/{config.Preset.Name()}");
            torch.manual_seed(1);
            using var model = ModelFactory.Create(config, inputDim, 1);
            model.eval();
            var info = ModelInfo.Of(model);
            var (torchCpu, torchWall) = TimeTorch(model, input, inputDim, frames);
            // Every features graph of the model, timed one after the other in this process: the default single-frame
            // graph, the multi-frame graph (the layout every export had before) and the single-frame graph with carried
            // residual blocks, so their ratios are same-run measurements.
            var single = TimeGraph(model, OnnxStepGraph.SingleFrame, Path.Combine(scratchDirectory, $"{config.Family.Name()}-{config.Preset.Name()}.onnx"), input, inputDim, frames);
            var multi = TimeGraph(model, OnnxStepGraph.MultiFrame, Path.Combine(scratchDirectory, $"{config.Family.Name()}-{config.Preset.Name()}-multi.onnx"), input, inputDim, frames);
            var carried = TimeGraph(model, OnnxStepGraph.SingleFrameCarried, Path.Combine(scratchDirectory, $"{config.Family.Name()}-{config.Preset.Name()}-carried.onnx"), input, inputDim, frames);
            var frontEnd = TimeFrontEnd(audio, fbank, normalizer, frames);
            var rawPath = Path.Combine(scratchDirectory, $"{config.Family.Name()}-{config.Preset.Name()}-raw.onnx");
            (double Cpu, double Wall) raw = (double.NaN, double.NaN);
            var rawBatched = double.NaN;
            if (inputDim == fbank.MelBins)
            {
                RawAudioExporter.Export(model, fbank, normalizer, 5, rawPath);
                try
                {
                    raw = TimeRaw(rawPath, audio, fbank.HopSamples, frames, 1);
                    rawBatched = TimeRaw(rawPath, audio, fbank.HopSamples, frames, BatchedHops).Cpu;
                }
                finally
                {
                    File.Delete(rawPath);
                }
            }

            rows.Add(new RuntimeBenchmarkRow(info.Family.Name(), info.Preset.Name(), info.Parameters, info.MacsPerFrame, torchCpu, single.CpuMicroseconds, torchWall, single.WallMicroseconds,
                frontEnd, raw.Cpu, raw.Wall, rawBatched, single, multi, carried));
        }

        return rows;
    }

    private static (double Cpu, double Wall) TimeTorch(StreamingModel model, float[] input, int dim, int frames)
    {
        using var all = torch.tensor(input, [1, frames, dim]);
        var chunks = Enumerable.Range(0, frames).Select(t => all.narrow(1, t, 1)).ToArray();
        var state = model.InitialState(1);
        void Pass(int count)
        {
            for (var t = 0; t < count; t++)
            {
                var (y, next) = model.Step(chunks[t], state);
                y.Dispose();
                state.Dispose();
                state = next;
            }
        }

        Pass(Math.Min(50, frames));
        var cpu = ThreadCpuClock.Now();
        var watch = Stopwatch.StartNew();
        Pass(frames);
        watch.Stop();
        cpu = ThreadCpuClock.Now() - cpu;
        state.Dispose();
        foreach (var c in chunks)
        {
            c.Dispose();
        }

        return (cpu * 1e6 / frames, watch.Elapsed.TotalMicroseconds / frames);
    }

    /// <summary>CPU µs per frame of the C# streaming front end and normaliser (what the features graph needs beside it).</summary>
    private static double TimeFrontEnd(float[] audio, FbankConfig fbank, FeatureNormalizer normalizer, int frames)
    {
        var hop = fbank.HopSamples;
        var stream = new StreamingFbank(fbank);
        void Pass(int offset, int count)
        {
            for (var t = 0; t < count; t++)
            {
                foreach (var f in stream.Push(audio.AsSpan((offset + t) * hop, hop)))
                {
                    normalizer.ApplyInPlace(f);
                }
            }
        }

        Pass(0, 50);
        var cpu = ThreadCpuClock.Now();
        Pass(50, frames);
        return (ThreadCpuClock.Now() - cpu) * 1e6 / frames;
    }

    /// <summary>Hops per call for the batched raw-audio timing: 100 ms, the buffer `sal eval` streams with.</summary>
    public const int BatchedHops = 10;

    /// <summary>The raw-audio graph fed <paramref name="hopsPerCall"/> hops per call (1 = one frame, as a 10 ms audio callback); µs per frame.</summary>
    private static (double Cpu, double Wall) TimeRaw(string path, float[] audio, int hop, int frames, int hopsPerCall)
    {
        using var onnx = new OnnxRawAudioModel(path, intraOpThreads: 1);
        var state = onnx.InitialState();
        var calls = Math.Max(1, frames / hopsPerCall);
        var warm = Math.Max(1, 50 / hopsPerCall);
        var size = hop * hopsPerCall;
        var chunks = Enumerable.Range(0, calls + warm).Select(t => audio.AsSpan(t * size % (audio.Length - size), size).ToArray()).ToArray();
        void Pass(int offset, int count)
        {
            for (var t = 0; t < count; t++)
            {
                onnx.Step(chunks[offset + t], state);
            }
        }

        Pass(0, warm);
        frames = calls * hopsPerCall;
        var cpu = ThreadCpuClock.Now();
        var watch = Stopwatch.StartNew();
        Pass(warm, calls);
        watch.Stop();
        cpu = ThreadCpuClock.Now() - cpu;
        return (cpu * 1e6 / frames, watch.Elapsed.TotalMicroseconds / frames);
    }

    private static OnnxGraphCost TimeGraph(StreamingModel model, OnnxStepGraph graph, string path, float[] input, int inputDim, int frames)
    {
        var proto = OnnxExporter.Build(model, graph: graph);
        AtomicFile.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        try
        {
            var optimized = OnnxSession.OptimizedNodeCount(path, path + ".optimized");
            var (cpu, wall) = TimeOnnx(path, input, inputDim, frames);
            return new OnnxGraphCost(proto.Graph.Node.Count, optimized, cpu, wall);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (double Cpu, double Wall) TimeOnnx(string path, float[] input, int dim, int frames)
    {
        using var onnx = new OnnxStreamingModel(path, intraOpThreads: 1);
        using var state = onnx.InitialState();
        var chunks = Enumerable.Range(0, frames).Select(t => input.AsSpan(t * dim, dim).ToArray()).ToArray();
        void Pass(int count)
        {
            for (var t = 0; t < count; t++)
            {
                onnx.Step(chunks[t], state);
            }
        }

        Pass(Math.Min(50, frames));
        var cpu = ThreadCpuClock.Now();
        var watch = Stopwatch.StartNew();
        Pass(frames);
        watch.Stop();
        cpu = ThreadCpuClock.Now() - cpu;
        return (cpu * 1e6 / frames, watch.Elapsed.TotalMicroseconds / frames);
    }
}
