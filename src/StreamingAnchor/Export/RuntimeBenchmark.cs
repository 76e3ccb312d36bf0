using System.Diagnostics;
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
        foreach (var config in configs)
        {
            progress?.Report($"{config.Family}/{config.Preset}");
            torch.manual_seed(1);
            using var model = ModelFactory.Create(config, inputDim, 1);
            model.eval();
            var info = ModelInfo.Of(model);
            var (torchCpu, torchWall) = TimeTorch(model, input, inputDim, frames);
            var path = Path.Combine(scratchDirectory, $"{config.Family}-{config.Preset}.onnx");
            OnnxExporter.Export(model, path);
            (double Cpu, double Wall) onnx;
            try
            {
                onnx = TimeOnnx(path, input, inputDim, frames);
            }
            finally
            {
                File.Delete(path);
            }

            rows.Add(new RuntimeBenchmarkRow(info.Family, info.Preset, info.Parameters, info.MacsPerFrame, torchCpu, onnx.Cpu, torchWall, onnx.Wall));
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
