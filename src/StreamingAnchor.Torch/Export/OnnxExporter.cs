using System.Text.Json;
using Google.Protobuf;
using Onnx;
using StreamingAnchor.Models;
using TorchSharp;
using static StreamingAnchor.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace StreamingAnchor.Export;

/// <summary>
/// Writes the streaming step of a model as an ONNX graph, node by node from the module's weights:
/// (input [B,n,F], state_in_*) -> (output [B,n,C], state_out_*), the state being the same tensors as StreamState
/// (conv ring buffers [B,ctx,C], recurrent states [1,B,H]). Outputs are delayed by the look-ahead exactly as Step's.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 17;
    /// <summary>Version 2: the single-frame graph (one frame per call, shared conv ring buffers); 1: the multi-frame graph.</summary>
    public const int FormatVersion = OnnxMetadata.FeaturesGraphFormatVersion;

    /// <summary>The version a multi-frame graph carries: its layout is that of version 1, which older readers run.</summary>
    public const int MultiFrameFormatVersion = 1;

    /// <summary>Exports the model of a run directory, with its normaliser and front-end config in the metadata.</summary>
    public static void ExportRun(RunDirectory run, string onnxPath, IReadOnlyDictionary<string, string>? extra = null)
    {
        var spec = run.ReadModelSpec();
        using var model = run.LoadModel();
        CheckFinite(model, run.PathOf(RunDirectory.WeightsFile));
        CheckInputs(run, model);
        var metadata = new Dictionary<string, string>
        {
            [OnnxMetadata.ModelJson] = File.ReadAllText(run.PathOf(RunDirectory.ModelFile)),
            [OnnxMetadata.Labels] = JsonSerializer.Serialize(spec.Labels, ProjectJson.Line),
        };
        // Stored verbatim (after a validating load), so the ONNX file carries exactly what the run used.
        if (run.LoadNormalizer() is not null)
        {
            metadata[OnnxMetadata.Normalizer] = File.ReadAllText(run.PathOf(RunDirectory.NormalizerFile));
        }

        if (run.LoadFrontEnd() is not null)
        {
            metadata[OnnxMetadata.FrontEnd] = File.ReadAllText(run.PathOf(RunDirectory.FrontEndFile));
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            metadata[key] = value;
        }

        Export(model, onnxPath, metadata);
    }

    /// <summary>
    /// Refuses a model with a NaN or infinite weight, naming the parameter: ONNX Runtime would run it and every
    /// posterior would be NaN, which no detector threshold catches.
    /// </summary>
    public static void CheckFinite(StreamingModel model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        // No dispose scope here: it would also claim the parameter handles, which the model still owns.
        using var noGrad = torch.no_grad();
        var tensors = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(model.named_buffers());
        foreach (var (name, tensor) in tensors)
        {
            if (!tensor.is_floating_point())
            {
                continue;
            }
            using var finite = torch.isfinite(tensor);
            using var notFinite = finite.logical_not();
            using var count = notFinite.sum();
            var bad = count.item<long>();
            if (bad > 0)
            {
                throw new InvalidDataException($"{source}: parameter '{name}' has {bad} non-finite values (NaN or infinity) out of {tensor.numel()}");
            }
        }
    }

    /// <summary>
    /// Refuses a front end or normaliser the model cannot use: the ONNX file carries both, and a mismatch would only
    /// surface as a shape error (or silently wrong scores) on the device.
    /// </summary>
    public static void CheckInputs(RunDirectory run, StreamingModel model)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(model);
        if (run.LoadNormalizer() is { } normalizer && normalizer.Dim != model.InputDim)
        {
            throw new InvalidDataException(
                $"{run.PathOf(RunDirectory.NormalizerFile)}: the normaliser has {normalizer.Dim} dimensions but the model takes {model.InputDim} inputs per frame");
        }
        if (run.LoadFrontEnd() is not { } frontEnd)
        {
            return;
        }
        // Multi-modal runs append extra streams after the mel bins, so only their total must exceed the mel bins.
        var extraStreams = run.StreamNames().Count;
        if (extraStreams == 0 ? frontEnd.MelBins != model.InputDim : frontEnd.MelBins >= model.InputDim)
        {
            var expected = extraStreams == 0 ? $"{model.InputDim}" : $"fewer than {model.InputDim} (the model also takes {extraStreams} extra streams)";
            throw new InvalidDataException(
                $"{run.PathOf(RunDirectory.FrontEndFile)}: the front end gives {frontEnd.MelBins} mel bins per frame but the model needs {expected}");
        }
    }

    /// <summary>Writes the ONNX file atomically.</summary>
    public static void Export(StreamingModel model, string onnxPath, IReadOnlyDictionary<string, string>? metadata = null,
        OnnxStepGraph graph = OnnxStepGraph.SingleFrame)
    {
        var proto = Build(model, metadata, graph);
        AtomicFile.WriteAllBytes(onnxPath, proto.ToByteArray());
    }

    /// <summary>
    /// The features graph. The single-frame graphs fall back to the multi-frame graph for a stack
    /// with a layer it has no form for (none in the model zoo); metadata sal.frames_per_call says which was written.
    /// </summary>
    public static ModelProto Build(StreamingModel model, IReadOnlyDictionary<string, string>? metadata = null, OnnxStepGraph graph = OnnxStepGraph.SingleFrame)
    {
        if (model is not StackedStreamingModel stacked)
        {
            throw new NotSupportedException($"ONNX export supports the model zoo's layer stacks, not {model.GetType().Name}");
        }

        CheckFinite(model, "model");
        var g = new OnnxGraphBuilder();
        var singleFrame = graph != OnnxStepGraph.MultiFrame && SingleFrameGraph.Supports(stacked);
        // One frame per call needs no frame axis: [B, F] in, [B, C] out.
        object[] frames = singleFrame ? [] : ["frames"];
        g.Graph.Input.Add(FloatValue(OnnxMetadata.Input, ["batch", .. frames, (long)model.InputDim]));
        g.Graph.Output.Add(FloatValue(OnnxMetadata.Output, ["batch", .. frames, (long)model.NumClasses]));
        IReadOnlyList<long[]> shapes;
        IReadOnlyList<int> batchAxes;
        if (singleFrame)
        {
            (shapes, batchAxes) = SingleFrameGraph.Emit(g, stacked, OnnxMetadata.Input, OnnxMetadata.Output, carryResiduals: graph == OnnxStepGraph.SingleFrameCarried);
        }
        else
        {
            string y;
            (y, shapes, batchAxes) = EmitLayers(g, stacked, OnnxMetadata.Input);
            g.Node("Identity", [y], outputNames: [OnnxMetadata.Output]);
        }

        for (var i = 0; i < shapes.Count; i++)
        {
            var dims = shapes[i].Select((d, axis) => axis == batchAxes[i] ? (object)"batch" : d).ToArray();
            g.Graph.Input.Add(FloatValue(OnnxMetadata.StateIn(i), dims));
            g.Graph.Output.Add(FloatValue(OnnxMetadata.StateOut(i), dims));
        }

        var props = new Dictionary<string, string>
        {
            [OnnxMetadata.FormatVersion] = (singleFrame ? FormatVersion : MultiFrameFormatVersion).ToString(),
            [OnnxMetadata.InputDim] = model.InputDim.ToString(),
            [OnnxMetadata.NumClasses] = model.NumClasses.ToString(),
            [OnnxMetadata.LookAhead] = model.LookAhead.ToString(),
            [OnnxMetadata.StateShapes] = JsonSerializer.Serialize(shapes, ProjectJson.Line),
            [OnnxMetadata.StateBatchAxes] = JsonSerializer.Serialize(batchAxes, ProjectJson.Line),
            [OnnxMetadata.ModelJson] = JsonSerializer.Serialize(model.Config, ProjectJson.Line),
        };
        if (singleFrame)
        {
            props[OnnxMetadata.FramesPerCall] = "1";
        }

        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            props[key] = value;
        }

        return Wrap(g.Graph, props);
    }

    /// <summary>The state tensors (batch 1) of the features graph <see cref="Build"/> writes for the model, in input order.</summary>
    public static IReadOnlyList<long[]> StateShapes(StreamingModel model, OnnxStepGraph graph = OnnxStepGraph.SingleFrame)
    {
        if (model is not StackedStreamingModel stacked)
        {
            return [];
        }

        return graph != OnnxStepGraph.MultiFrame && SingleFrameGraph.Supports(stacked)
            ? SingleFrameGraph.Emit(new OnnxGraphBuilder(), stacked, OnnxMetadata.Input, OnnxMetadata.Output).Shapes
            : stacked.StateShapes(1);
    }

    /// <summary>The model's layers from <paramref name="x"/> [B, n, F] to logits; the state tensors they read and write.</summary>
    /// <param name="stateOutput">Names the state outputs (default state_out_i), for graphs that post-process them.</param>
    internal static (string Output, IReadOnlyList<long[]> Shapes, IReadOnlyList<int> BatchAxes) EmitLayers(OnnxGraphBuilder g, StackedStreamingModel stacked, string x,
        Func<int, string>? stateOutput = null)
    {
        var outputName = stateOutput ?? OnnxMetadata.StateOut;
        var shapes = stacked.StateShapes(1);
        var batchAxes = new List<int>();
        var stateIndex = 0;
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            foreach (var layer in stacked.Layers)
            {
                x = Emit(g, layer, x, ref stateIndex, batchAxes, outputName);
            }
        }

        return (x, shapes, batchAxes);
    }

    /// <summary>A model around a graph, with the metadata sorted by key so the bytes are reproducible.</summary>
    internal static ModelProto Wrap(GraphProto graph, IReadOnlyDictionary<string, string> props)
    {
        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "StreamingAnchor",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in props.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return proto;
    }

    private static string Emit(OnnxGraphBuilder g, StreamingLayer layer, string x, ref int stateIndex, List<int> batchAxes, Func<int, string> stateOut)
    {
        switch (layer)
        {
            case DropoutLayer:
                return x;
            case RunningMeanLayer mean:
                return EmitRunningMean(g, mean, x, ref stateIndex, batchAxes, stateOut);
            case LinearLayer linear:
            {
                using var wt = linear.Weight.t();
                var w = g.Floats("linear_w", Data(wt), linear.InputDim, linear.OutputDim);
                var b = g.Floats("linear_b", Data(linear.Bias), linear.OutputDim);
                return g.Op("Add", g.Op("MatMul", x, w), b);
            }

            case ResidualLayer residual:
            {
                var y = x;
                foreach (var inner in residual.Inner)
                {
                    y = Emit(g, inner, y, ref stateIndex, batchAxes, stateOut);
                }

                return g.Op("Add", x, y);
            }

            case CausalConvLayer conv:
                return EmitConv(g, conv, x, ref stateIndex, batchAxes, stateOut);
            case GruLayer gru:
                return EmitGru(g, gru, x, ref stateIndex, batchAxes, stateOut);
            case LstmLayer lstm:
                return EmitLstm(g, lstm, x, ref stateIndex, batchAxes, stateOut);
            default:
                throw new NotSupportedException($"no ONNX export for layer {layer.GetType().Name}");
        }
    }

    /// <summary>
    /// <see cref="RunningMeanLayer"/> on a chunk of any length n: the [n,n] matrix of α β^(t-s) (s &lt;= t) and the
    /// column β^(t+1) built from the chunk's frame count, then the layer's step formula.
    /// </summary>
    private static string EmitRunningMean(OnnxGraphBuilder g, RunningMeanLayer mean, string x, ref int stateIndex, List<int> batchAxes, Func<int, string> stateOut)
    {
        var (averageIn, weightIn) = (OnnxMetadata.StateIn(stateIndex), OnnxMetadata.StateIn(stateIndex + 1));
        var (averageOut, weightOut) = (stateOut(stateIndex), stateOut(stateIndex + 1));
        batchAxes.Add(0);
        batchAxes.Add(0);
        stateIndex += 2;

        var n = g.Node("Gather", [g.Op("Shape", x), g.Int64Scalar("frame_axis", 1)], attributes: Int("axis", 0))[0];
        var t = g.Node("Cast", [g.Node("Range", [g.Int64Scalar("zero", 0), n, g.Int64Scalar("one", 1)])[0]], attributes: Int("to", (long)TensorProto.Types.DataType.Float))[0];
        var logBeta = g.Floats("log_beta", [(float)Math.Log(1 - mean.Alpha)]);
        var one = g.Floats("one", [1f]);
        // lag[t, s] = t - s; lags below 0 are above the diagonal, clamped before Exp so that nothing overflows there.
        var lag = g.Op("Sub", g.Op("Unsqueeze", t, g.Int64s("axes", 1)), g.Op("Unsqueeze", t, g.Int64s("axes", 0)));
        var powers = g.Op("Mul", g.Floats("alpha", [(float)mean.Alpha]), g.Op("Exp", g.Op("Mul", g.Op("Relu", lag), logBeta)));
        var kernel = g.Op("Where", g.Op("GreaterOrEqual", lag, g.Floats("zero", [0f])), powers, g.Floats("zero", [0f]));
        var exponent = g.Op("Mul", g.Op("Add", t, one), logBeta);
        var decay = g.Op("Unsqueeze", g.Op("Exp", exponent), g.Int64s("axes", 1));
        // 1 - β^(t+1) without the cancellation of 1 - Exp where it is small: α Σ_{k<=t} β^k, the kernel's row sums.
        var gain = g.Node("ReduceSum", [kernel, g.Int64s("axes", 1)], attributes: Int("keepdims", 1))[0];

        var average = g.Op("Add", g.Op("Mul", decay, averageIn), g.Op("MatMul", kernel, x));
        var weight = g.Op("Add", g.Op("Mul", decay, weightIn), gain);
        var last = (string v, string name) => g.Node("Slice", [v, g.Int64s("start", -1), g.Int64s("end", long.MaxValue), g.Int64s("axes", 1)], outputNames: [name]);
        last(average, averageOut);
        last(weight, weightOut);
        return g.Op("Sub", x, g.Op("Div", average, weight));
    }

    private static string EmitConv(OnnxGraphBuilder g, CausalConvLayer conv, string x, ref int stateIndex, List<int> batchAxes, Func<int, string> stateOut)
    {
        var input = x;
        if (conv.Context > 0)
        {
            // The ring buffer [B, ctx, in]: the last ctx input frames, prepended to the chunk; the new buffer is the tail.
            input = g.Node("Concat", [OnnxMetadata.StateIn(stateIndex), x], attributes: Int("axis", 1))[0];
            g.Node("Slice", [input, g.Int64s("start", -conv.Context), g.Int64s("end", long.MaxValue), g.Int64s("axes", 1)],
                outputNames: [stateOut(stateIndex)]);
            batchAxes.Add(0);
            stateIndex++;
        }

        string y;
        if (conv.Kernel == 1 && conv.Groups == 1)
        {
            using var w1 = conv.Weight.reshape(conv.OutputDim, conv.InputDim).t();
            y = g.Op("Add", g.Op("MatMul", input, g.Floats("conv_w", Data(w1), conv.InputDim, conv.OutputDim)),
                g.Floats("conv_b", Data(conv.Bias), conv.OutputDim));
        }
        else if (conv.Groups == 1 || (conv.Groups == conv.InputDim && conv.Groups == conv.OutputDim))
        {
            // As in the TorchSharp step: the kernel taps side by side, then one MatMul (or a per-channel weighted
            // sum when depthwise). For a few frames this is much cheaper in ONNX Runtime than Conv.
            var taps = new string[conv.Kernel];
            for (var k = 0; k < conv.Kernel; k++)
            {
                var start = (long)k * conv.Dilation;
                var end = start == conv.Context ? long.MaxValue : start - conv.Context;
                taps[k] = g.Node("Slice", [input, g.Int64s("start", start), g.Int64s("end", end), g.Int64s("axes", 1)])[0];
            }

            var side = g.Node("Concat", taps, attributes: Int("axis", 2))[0]; // [B, n, K * in], tap-major
            var bias = g.Floats("conv_b", Data(conv.Bias), conv.OutputDim);
            if (conv.Groups == 1)
            {
                using var w = conv.Weight.permute(2, 1, 0).reshape(conv.Kernel * conv.InputDim, conv.OutputDim);
                y = g.Op("Add", g.Op("MatMul", side, g.Floats("conv_w", Data(w), conv.Kernel * conv.InputDim, conv.OutputDim)), bias);
            }
            else
            {
                using var w = conv.Weight.reshape(conv.InputDim, conv.Kernel).t();
                var grid = g.Op("Reshape", side, g.Int64s("shape", 0, 0, conv.Kernel, conv.InputDim));
                var weighted = g.Op("Mul", grid, g.Floats("conv_w", Data(w), conv.Kernel, conv.InputDim));
                var sum = g.Node("ReduceSum", [weighted, g.Int64s("axes", 2)], attributes: Int("keepdims", 0))[0];
                y = g.Op("Add", sum, bias);
            }
        }
        else
        {
            var w = g.Floats("conv_w", Data(conv.Weight), conv.OutputDim, conv.InputDim / conv.Groups, conv.Kernel);
            var b = g.Floats("conv_b", Data(conv.Bias), conv.OutputDim);
            var channelsFirst = g.Node("Transpose", [input], attributes: Ints("perm", 0, 2, 1))[0];
            y = g.Node("Conv", [channelsFirst, w, b], attributes:
            [
                Ints("kernel_shape", conv.Kernel), Ints("dilations", conv.Dilation), Int("group", conv.Groups),
                Ints("pads", 0, 0), Ints("strides", 1),
            ])[0];
            y = g.Node("Transpose", [y], attributes: Ints("perm", 0, 2, 1))[0];
        }

        return conv.Relu ? g.Op("Relu", y) : y;
    }

    private static string EmitGru(OnnxGraphBuilder g, GruLayer gru, string x, ref int stateIndex, List<int> batchAxes, Func<int, string> stateOut)
    {
        var h = gru.Hidden;
        var (w, r, b) = GruWeights(g, gru);
        var timeMajor = g.Node("Transpose", [x], attributes: Ints("perm", 1, 0, 2))[0];
        var outs = g.Node("GRU", [timeMajor, w, r, b, "", OnnxMetadata.StateIn(stateIndex)],
            outputNames: [g.Fresh("gru_y"), stateOut(stateIndex)],
            attributes: [Int("hidden_size", h), Int("linear_before_reset", 1)]);
        batchAxes.Add(1);
        stateIndex++;
        var y = g.Op("Squeeze", outs[0], g.Int64s("axes", 1));
        return g.Node("Transpose", [y], attributes: Ints("perm", 1, 0, 2))[0];
    }

    private static string EmitLstm(OnnxGraphBuilder g, LstmLayer lstm, string x, ref int stateIndex, List<int> batchAxes, Func<int, string> stateOut)
    {
        var h = lstm.Hidden;
        var (w, r, b) = LstmWeights(g, lstm);
        var timeMajor = g.Node("Transpose", [x], attributes: Ints("perm", 1, 0, 2))[0];
        var outs = g.Node("LSTM", [timeMajor, w, r, b, "", OnnxMetadata.StateIn(stateIndex), OnnxMetadata.StateIn(stateIndex + 1)],
            outputNames: [g.Fresh("lstm_y"), stateOut(stateIndex), stateOut(stateIndex + 1)],
            attributes: [Int("hidden_size", h)]);
        batchAxes.Add(1);
        batchAxes.Add(1);
        stateIndex += 2;
        var y = g.Op("Squeeze", outs[0], g.Int64s("axes", 1));
        return g.Node("Transpose", [y], attributes: Ints("perm", 1, 0, 2))[0];
    }

    /// <summary>The GRU op's W, R and B initializers from the layer's weights.</summary>
    internal static (string W, string R, string B) GruWeights(OnnxGraphBuilder g, GruLayer gru)
    {
        var h = gru.Hidden;
        // PyTorch stacks the gates as [r; z; n], ONNX as [z; r; h]; linear_before_reset=1 is PyTorch's formula.
        long[] order = [1, 0, 2];
        var w = g.Floats("gru_w", Data(Reorder(gru.WeightIh, h, order)), 1, 3 * h, gru.InputDim);
        var r = g.Floats("gru_r", Data(Reorder(gru.WeightHh, h, order)), 1, 3 * h, h);
        var b = g.Floats("gru_b", [.. Data(Reorder(gru.BiasIh, h, order)), .. Data(Reorder(gru.BiasHh, h, order))], 1, 6 * h);
        return (w, r, b);
    }

    /// <summary>The LSTM op's W, R and B initializers from the layer's weights.</summary>
    internal static (string W, string R, string B) LstmWeights(OnnxGraphBuilder g, LstmLayer lstm)
    {
        var h = lstm.Hidden;
        // PyTorch stacks the gates as [i; f; g; o], ONNX as [i; o; f; c].
        long[] order = [0, 3, 1, 2];
        var w = g.Floats("lstm_w", Data(Reorder(lstm.WeightIh, h, order)), 1, 4 * h, lstm.InputDim);
        var r = g.Floats("lstm_r", Data(Reorder(lstm.WeightHh, h, order)), 1, 4 * h, h);
        var b = g.Floats("lstm_b", [.. Data(Reorder(lstm.BiasIh, h, order)), .. Data(Reorder(lstm.BiasHh, h, order))], 1, 8 * h);
        return (w, r, b);
    }

    private static Tensor Reorder(Tensor gates, int hidden, long[] order) =>
        torch.cat(order.Select(i => gates.narrow(0, i * hidden, hidden)).ToArray(), 0);

    internal static float[] Data(Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        return c.data<float>().ToArray();
    }
}
