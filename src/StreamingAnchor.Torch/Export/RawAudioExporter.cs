using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using StreamingAnchor.Audio;
using StreamingAnchor.Inference;
using StreamingAnchor.Models;
using static StreamingAnchor.Export.OnnxGraphBuilder;

namespace StreamingAnchor.Export;

/// <summary>
/// Writes the whole device loop of `sal stream` as one ONNX graph, so a port needs no front end of its own:
/// 16 kHz float samples (any whole number of hops per call) -> Kaldi fbank -> fixed CMVN -> the model's streaming step
/// -> posteriors (sigmoid / softmax, background dropped, look-ahead warm-up rows zeroed) -> causal moving average.
/// Only plain opset-17 ops (MatMul, Slice, Concat, Log, ...), so ORT CPU, WASM and mobile builds accept it.
/// </summary>
/// <remarks>
/// Frame k covers samples [k·hop, k·hop + window) like <see cref="FbankExtractor.Compute"/> (snip-edges). The graph keeps
/// the last (P-1)·hop samples, P = ceil(window / hop), and a position counter: the first P-1 hop slots of a stream
/// have no complete window, so their frames are dropped before the model, exactly as <see cref="StreamingFbank"/> emits
/// nothing for them. A call therefore returns between 0 and samples/hop rows.
/// </remarks>
public static class RawAudioExporter
{
    public const int FormatVersion = 2;

    public static void ExportRun(RunDirectory run, string onnxPath, int smoothingFrames, IReadOnlyDictionary<string, string>? extra = null)
    {
        var spec = run.ReadModelSpec();
        var frontEnd = run.LoadFrontEnd() ?? throw new FileNotFoundException($"{run.PathOf(RunDirectory.FrontEndFile)}: not found (a raw-audio export needs the run's front end)");
        var normalizer = run.LoadNormalizer() ?? throw new FileNotFoundException($"{run.PathOf(RunDirectory.NormalizerFile)}: not found (a raw-audio export needs the run's normaliser)");
        using var model = run.LoadModel();
        var metadata = new Dictionary<string, string>
        {
            [OnnxMetadata.ModelJson] = File.ReadAllText(run.PathOf(RunDirectory.ModelFile)),
            [OnnxMetadata.Labels] = JsonSerializer.Serialize(spec.Labels, ProjectJson.Line),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            metadata[key] = value;
        }

        Export(model, frontEnd, normalizer, smoothingFrames, onnxPath, metadata);
    }

    public static void Export(StreamingModel model, FbankConfig frontEnd, FeatureNormalizer normalizer, int smoothingFrames, string onnxPath,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.WriteAllBytes(onnxPath, Build(model, frontEnd, normalizer, smoothingFrames, metadata).ToByteArray());

    /// <summary>The state tensors of a raw-audio graph, in input order after `audio`.</summary>
    public static IReadOnlyList<RawAudioStateTensor> StateTensors(FbankConfig frontEnd, IReadOnlyList<long[]> modelStates, int classes, int smoothingFrames)
    {
        var (_, pending) = Geometry(frontEnd);
        var list = new List<RawAudioStateTensor>();
        if (pending > 0)
        {
            list.Add(new(OnnxMetadata.AudioStateIn, OnnxMetadata.AudioStateOut, [1, pending], "float32",
                "the last samples of the stream, which the next frames' windows still need"));
        }

        list.Add(new(OnnxMetadata.PositionIn, OnnxMetadata.PositionOut, [1], "int64", "hop slots consumed so far (samples / hop)"));
        var k = LogitPosteriors.PositiveClasses(classes);
        if (smoothingFrames > 1)
        {
            list.Add(new(OnnxMetadata.SmoothIn, OnnxMetadata.SmoothOut, [1, smoothingFrames - 1, k], "float32",
                "the last posteriors, for the moving average"));
        }

        for (var i = 0; i < modelStates.Count; i++)
        {
            list.Add(new(OnnxMetadata.StateIn(i), OnnxMetadata.StateOut(i), modelStates[i], "float32", "model state (conv ring buffer or recurrent state)"));
        }

        return list;
    }

    /// <summary>P = hop slots one window spans, and the samples a stream must carry between calls.</summary>
    public static (int HopsPerWindow, int PendingSamples) Geometry(FbankConfig c)
    {
        var p = (c.WindowSamples + c.HopSamples - 1) / c.HopSamples;
        return (p, (p - 1) * c.HopSamples);
    }

    public static ModelProto Build(StreamingModel model, FbankConfig frontEnd, FeatureNormalizer normalizer, int smoothingFrames,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (model is not StackedStreamingModel stacked)
        {
            throw new NotSupportedException($"ONNX export supports the model zoo's layer stacks, not {model.GetType().Name}");
        }

        frontEnd.Validate();
        if (frontEnd.MelBins != model.InputDim || normalizer.Dim != model.InputDim)
        {
            throw new ArgumentException($"the model expects {model.InputDim} features per frame, the front end gives {frontEnd.MelBins} and the normaliser has {normalizer.Dim} " +
                                        "(models with extra per-frame streams cannot be fed from audio alone)");
        }

        if (smoothingFrames < 1)
        {
            throw new ArgumentException($"smoothing window must be at least 1 frame, got {smoothingFrames}");
        }

        var hop = frontEnd.HopSamples;
        var window = frontEnd.WindowSamples;
        var (p, pending) = Geometry(frontEnd);
        var preroll = p - 1;
        var bins = frontEnd.FftSize / 2;
        var mel = frontEnd.MelBins;
        var classes = model.NumClasses;
        var k = LogitPosteriors.PositiveClasses(classes);
        var g = new OnnxGraphBuilder();
        g.Graph.Name = "streaming_detector";
        const long End = long.MaxValue;
        string Slice(string x, long start, long end, long axis) =>
            g.Node("Slice", [x, g.Int64s("start", start), g.Int64s("end", end), g.Int64s("axes", axis)])[0];

        g.Graph.Input.Add(FloatValue(OnnxMetadata.Audio, 1L, "samples"));
        // Audio: prepend what the previous call left, keep what the next call needs.
        var buffer = OnnxMetadata.Audio;
        if (pending > 0)
        {
            g.Graph.Input.Add(FloatValue(OnnxMetadata.AudioStateIn, 1L, (long)pending));
            buffer = g.Node("Concat", [OnnxMetadata.AudioStateIn, OnnxMetadata.Audio], attributes: Int("axis", 1))[0];
            g.Node("Slice", [buffer, g.Int64s("start", -pending), g.Int64s("end", End), g.Int64s("axes", 1)], outputNames: [OnnxMetadata.AudioStateOut]);
        }

        g.Graph.Input.Add(Int64Value(OnnxMetadata.PositionIn, 1L));
        var slots = g.Op("Div", Slice(g.Op("Shape", OnnxMetadata.Audio), 1, 2, 0), g.Int64s("hop", hop));
        g.Node("Add", [OnnxMetadata.PositionIn, slots], outputNames: [OnnxMetadata.PositionOut]);

        // Windows: hop rows side by side, P of them per frame, cut to the window length. Constant slice bounds only.
        var hops = g.Op("Reshape", buffer, g.Int64s("shape", -1, hop));
        var taps = Enumerable.Range(0, p).Select(j => Slice(hops, j, j == p - 1 ? End : j - preroll, 0)).ToArray();
        var frames = p > 1 ? g.Node("Concat", taps, attributes: Int("axis", 1))[0] : taps[0];
        if (p * hop > window)
        {
            frames = Slice(frames, 0, window, 1);
        }

        // Slots before the first complete window produce no frame (snip-edges).
        var zero = g.Int64s("zero", 0);
        if (preroll > 0)
        {
            var skip = g.Op("Max", g.Op("Sub", g.Int64s("preroll", preroll), OnnxMetadata.PositionIn), zero);
            frames = g.Node("Slice", [frames, skip, g.Int64s("end", End), g.Int64s("axes", 0)])[0];
        }

        var rowsBefore = g.Op("Max", g.Op("Sub", OnnxMetadata.PositionIn, g.Int64s("preroll", preroll)), zero);

        // Front end. DC removal explicit (exact in float); scale, pre-emphasis, window and the DFT are linear, so they are
        // one constant [window, 2·bins] matrix (cos | sin columns), computed in double: one MatMul per frame.
        if (frontEnd.RemoveDcOffset)
        {
            frames = g.Op("Sub", frames, g.Node("ReduceMean", [frames], attributes: [Ints("axes", 1), Int("keepdims", 1)])[0]);
        }

        var spectrum = g.Op("MatMul", frames, g.Floats("dft", FrontEndMatrix(frontEnd), window, 2 * bins));
        var squared = g.Op("Mul", spectrum, spectrum);
        var power = g.Op("Add", Slice(squared, 0, bins, 1), Slice(squared, bins, 2 * bins, 1));
        var energies = g.Op("MatMul", power, g.Floats("mel", FbankExtractor.MelMatrix(frontEnd), bins, mel));
        var logMel = g.Op("Log", g.Op("Max", energies, g.Floats("log_floor", [frontEnd.LogFloor])));
        g.Node("Unsqueeze", [logMel, g.Int64s("axes", 0)], outputNames: [OnnxMetadata.Features]);
        g.Graph.Output.Add(FloatValue(OnnxMetadata.Features, 1L, "frames", (long)mel));
        var inverse = normalizer.Std.Select(s => 1f / s).ToArray(); // the same float reciprocal FeatureNormalizer multiplies by
        var normalised = g.Op("Mul", g.Op("Sub", logMel, g.Floats("cmvn_mean", normalizer.Mean, mel)), g.Floats("cmvn_inv_std", inverse, mel));
        var x = g.Op("Unsqueeze", normalised, g.Int64s("axes", 0));

        // A call may complete no frame (the first hops of a stream, or a 160-sample call of a 3-hop window): recurrent ops
        // do not accept empty sequences, so the model then runs on one zero frame whose state is discarded below.
        var count = Slice(g.Op("Shape", x), 1, 2, 0);
        var padded = g.Node("Concat", [x, g.Floats("pad", new float[mel], 1, 1, mel)], attributes: Int("axis", 1))[0];
        var runLength = g.Op("Max", count, g.Int64s("one", 1));
        var modelInput = g.Node("Slice", [padded, g.Int64s("start", 0), runLength, g.Int64s("axes", 1)])[0];
        var (paddedLogits, shapes, _) = OnnxExporter.EmitLayers(g, stacked, modelInput, stateOutput: i => $"state_next_{i}");
        var logits = g.Node("Slice", [paddedLogits, g.Int64s("start", 0), count, g.Int64s("axes", 1)])[0];
        var produced = g.Op("Greater", count, zero);
        for (var i = 0; i < shapes.Count; i++)
        {
            g.Node("Where", [produced, $"state_next_{i}", OnnxMetadata.StateIn(i)], outputNames: [OnnxMetadata.StateOut(i)]);
        }

        var posteriors = classes == 1
            ? g.Op("Sigmoid", logits)
            : Slice(g.Node("Softmax", [logits], attributes: Int("axis", -1))[0], 1, classes, 2);

        // Row index of each output frame in the stream: the look-ahead warm-up rows are zeros, the average divides by
        // the frames seen so far until the window is full (Models/StreamingPipeline, Evaluation/PosteriorSmoother).
        var index = g.Op("Range", g.Op("Squeeze", rowsBefore, g.Int64s("axes", 0)),
            g.Op("Squeeze", g.Op("Add", rowsBefore, count), g.Int64s("axes", 0)), g.Int64Scalar("one", 1));
        var column = g.Int64s("axes", 0, 2); // Unsqueeze to [1, n, 1]: Reshape with -1 is ambiguous for n = 0
        if (model.LookAhead > 0)
        {
            var ready = g.Node("Cast", [g.Op("GreaterOrEqual", index, g.Int64s("lookahead", model.LookAhead))],
                attributes: Int("to", (long)TensorProto.Types.DataType.Float))[0];
            posteriors = g.Op("Mul", posteriors, g.Op("Unsqueeze", ready, column));
        }

        g.Node("Identity", [posteriors], outputNames: [OnnxMetadata.Posteriors]);
        g.Graph.Output.Add(FloatValue(OnnxMetadata.Posteriors, 1L, "frames", (long)k));
        if (smoothingFrames > 1)
        {
            var s = smoothingFrames;
            g.Graph.Input.Add(FloatValue(OnnxMetadata.SmoothIn, 1L, (long)(s - 1), (long)k));
            var ring = g.Node("Concat", [OnnxMetadata.SmoothIn, posteriors], attributes: Int("axis", 1))[0];
            g.Node("Slice", [ring, g.Int64s("start", -(s - 1)), g.Int64s("end", End), g.Int64s("axes", 1)], outputNames: [OnnxMetadata.SmoothOut]);
            var sum = Slice(ring, 0, -(s - 1), 1);
            for (var j = 1; j < s; j++)
            {
                sum = g.Op("Add", sum, Slice(ring, j, j == s - 1 ? End : j - (s - 1), 1));
            }

            var seen = g.Op("Min", g.Op("Add", index, g.Int64s("one", 1)), g.Int64s("window", s));
            var divisor = g.Node("Cast", [g.Op("Unsqueeze", seen, column)], attributes: Int("to", (long)TensorProto.Types.DataType.Float))[0];
            g.Node("Div", [sum, divisor], outputNames: [OnnxMetadata.Score]);
        }
        else
        {
            g.Node("Identity", [posteriors], outputNames: [OnnxMetadata.Score]);
        }

        g.Graph.Output.Add(FloatValue(OnnxMetadata.Score, 1L, "frames", (long)k));
        if (pending > 0)
        {
            g.Graph.Output.Add(FloatValue(OnnxMetadata.AudioStateOut, 1L, (long)pending));
        }

        g.Graph.Output.Add(Int64Value(OnnxMetadata.PositionOut, 1L));
        if (smoothingFrames > 1)
        {
            g.Graph.Output.Add(FloatValue(OnnxMetadata.SmoothOut, 1L, (long)(smoothingFrames - 1), (long)k));
        }

        for (var i = 0; i < shapes.Count; i++)
        {
            g.Graph.Input.Add(FloatValue(OnnxMetadata.StateIn(i), shapes[i].Cast<object>().ToArray()));
            g.Graph.Output.Add(FloatValue(OnnxMetadata.StateOut(i), shapes[i].Cast<object>().ToArray()));
        }

        var props = new Dictionary<string, string>
        {
            [OnnxMetadata.FormatVersion] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            [OnnxMetadata.Graph] = OnnxMetadata.RawAudioGraph,
            [OnnxMetadata.InputDim] = model.InputDim.ToString(CultureInfo.InvariantCulture),
            [OnnxMetadata.NumClasses] = classes.ToString(CultureInfo.InvariantCulture),
            [OnnxMetadata.LookAhead] = model.LookAhead.ToString(CultureInfo.InvariantCulture),
            [OnnxMetadata.StateShapes] = JsonSerializer.Serialize(shapes, ProjectJson.Line),
            [OnnxMetadata.ModelJson] = JsonSerializer.Serialize(model.Config, ProjectJson.Line),
            [OnnxMetadata.HopSamples] = hop.ToString(CultureInfo.InvariantCulture),
            [OnnxMetadata.SmoothingFrames] = smoothingFrames.ToString(CultureInfo.InvariantCulture),
            [OnnxMetadata.StateTensors] = JsonSerializer.Serialize(StateTensors(frontEnd, shapes, classes, smoothingFrames), CardJson.Options),
            [OnnxMetadata.FrontEnd] = frontEnd.ToJson(),
            [OnnxMetadata.Normalizer] = JsonSerializer.Serialize(new { mean = normalizer.Mean, std = normalizer.Std }, ProjectJson.Line),
        };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            props[key] = value;
        }

        return OnnxExporter.Wrap(g.Graph, props);
    }

    /// <summary>
    /// [window, 2·bins]: sample scale, pre-emphasis (Kaldi's, inside the window, first sample against itself), the
    /// analysis window and the real DFT (cos columns, then sin columns; zero padding to the FFT size drops out).
    /// </summary>
    internal static float[] FrontEndMatrix(FbankConfig c)
    {
        var n = c.WindowSamples;
        var bins = c.FftSize / 2;
        var w = FbankExtractor.BuildWindow(c.Window, n);
        double k = c.PreEmphasis;
        // Row j of the linear map from input samples to windowed samples: y_i = w_i (v_i - k v_{i-1}), y_0 = w_0 (1 - k) v_0.
        // So sample j contributes w_j to y_j and -k w_{j+1} to y_{j+1} (and sample 0 also (1 - k) w_0 instead of w_0).
        var result = new float[n * 2 * bins];
        var cos = new double[c.FftSize];
        var sin = new double[c.FftSize];
        for (var t = 0; t < c.FftSize; t++)
        {
            cos[t] = Math.Cos(2 * Math.PI * t / c.FftSize);
            sin[t] = Math.Sin(2 * Math.PI * t / c.FftSize);
        }

        for (var j = 0; j < n; j++)
        {
            for (var b = 0; b < bins; b++)
            {
                double re = 0, im = 0;
                void Add(int i, double weight)
                {
                    var phase = (int)(((long)i * b) % c.FftSize);
                    re += weight * cos[phase];
                    im -= weight * sin[phase];
                }

                Add(j, (j == 0 ? 1 - k : 1) * w[j]);
                if (j + 1 < n && k != 0)
                {
                    Add(j + 1, -k * w[j + 1]);
                }

                result[(j * 2 * bins) + b] = (float)(re * c.SampleScale);
                result[(j * 2 * bins) + bins + b] = (float)(im * c.SampleScale);
            }
        }

        return result;
    }
}
