using StreamingAnchor.Models;
using TorchSharp;
using static StreamingAnchor.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace StreamingAnchor.Export;

/// <summary>
/// The layers of a features graph that takes exactly one frame per call ([B, 1, F]), laid out for ONNX Runtime,
/// whose cost for models this small is a fixed price per node rather than the arithmetic (the multi-frame graph spent
/// 84 nodes on a 26k-MAC TCN). Between layers a frame is a [B, C] matrix, so every layer is one Gemm (ReLU fused by
/// ONNX Runtime). A causal conv's output splits into the taps on past frames, which the state already holds when
/// the call starts, and the tap on the current frame: the past sums of all conv layers of one shape are computed up
/// front in one batched MatMul, and each layer adds them as the Gemm's C input, so a layer costs one node. The ring
/// buffers of all conv layers of one input width share one state tensor [B, frames, width] (the layers' buffers of
/// <see cref="CausalConvLayer"/> side by side, oldest frame first), updated at the end by one frame Gather. A depthwise
/// conv without activation followed by a 1x1 conv is the product of the two (depthwise taps times the 1x1 weights),
/// so a DS-CNN block is one Gemm too. Recurrent layers stay ONNX GRU/LSTM ops with their state as before.
/// <para>
/// With <see cref="OnnxStepGraph.SingleFrameCarried"/> a residual block of dense convs whose input is never negative
/// (it comes out of a ReLU) needs no Add node either: its Gemms carry the block input beside the layer's output
/// ([x; h], an identity block in the weights, which the fused ReLU leaves exact because x >= 0), and the block's
/// output is the pair [x; r] whose sum is the next layer's input, so whatever reads it multiplies both halves by the
/// same weights. The Gemms double in width (four times the multiply-adds), which is why it is not the default.
/// </para>
/// </summary>
internal sealed class SingleFrameGraph
{
    private readonly OnnxGraphBuilder g;
    private readonly Func<int, string> stateOut;
    private readonly List<long[]> shapes = [];
    private readonly List<int> batchAxes = [];
    private readonly List<RingBuffer> buffers = [];
    private readonly List<TapGroup> groups = [];
    private readonly Dictionary<CausalConvLayer, Tap> taps = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<StreamingLayer, int> recurrentStates = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<RunningMeanLayer, int> runningMeans = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<CausalConvLayer> folded = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<ResidualLayer> carried = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> pairWidths = [];
    private readonly bool carryResiduals;
    private bool planningCarried;

    private SingleFrameGraph(OnnxGraphBuilder g, Func<int, string> stateOut, bool carryResiduals)
    {
        this.g = g;
        this.stateOut = stateOut;
        this.carryResiduals = carryResiduals;
    }

    /// <summary>
    /// How a frame tensor is laid out: as a matrix [B, C] (the graph's input and output), time-major [1, B, C]
    /// (recurrent ops), or [B, 2C] inside and after a carried residual block: Carry = [block input; layer output],
    /// Sum = [block input; block branch], whose value is the sum of the halves.
    /// </summary>
    private enum Form
    {
        Flat,
        TimeMajor,
        Carry,
        Sum,
    }

    /// <summary>Whether every layer of the model has a single-frame form (all of the model zoo's stacks do).</summary>
    public static bool Supports(StackedStreamingModel model)
    {
        try
        {
            new SingleFrameGraph(new OnnxGraphBuilder(), OnnxMetadata.StateOut, carryResiduals: false).Plan(model.Layers, nonNegative: false);
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Emits the model from <paramref name="input"/> [B, F] to <paramref name="output"/> [B, C]; the state tensors (shape for batch 1, batch axis).</summary>
    /// <param name="carryResiduals">Carry residual blocks through their Gemms (<see cref="OnnxStepGraph.SingleFrameCarried"/>) rather than add them up with an Add node each.</param>
    public static (IReadOnlyList<long[]> Shapes, IReadOnlyList<int> BatchAxes) Emit(OnnxGraphBuilder g, StackedStreamingModel model, string input, string output,
        bool carryResiduals = false)
    {
        var graph = new SingleFrameGraph(g, OnnxMetadata.StateOut, carryResiduals);
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            graph.Plan(model.Layers, nonNegative: false);
            graph.EmitPastSums();
            var (y, form) = graph.EmitSequence(model.Layers, input, Form.Flat);
            graph.Rename(graph.Flat(y, form), input, output);
            graph.EmitStateUpdates();
        }

        return (graph.shapes, graph.batchAxes);
    }

    private int NewState(long[] shape, int batchAxis)
    {
        shapes.Add(shape);
        batchAxes.Add(batchAxis);
        return shapes.Count - 1;
    }

    /// <summary>
    /// Assigns state tensors, picks the residual blocks to carry and groups the conv layers with context; throws
    /// NotSupportedException on a layer with no single-frame form. Returns whether the sequence's output is never
    /// negative, given whether its input is.
    /// </summary>
    private bool Plan(IReadOnlyList<StreamingLayer> sequence, bool nonNegative)
    {
        for (var i = 0; i < sequence.Count; i++)
        {
            switch (sequence[i])
            {
                case ResidualLayer residual:
                    if (residual.InputDim != residual.OutputDim)
                    {
                        throw new NotSupportedException("a residual block that changes width");
                    }

                    var carry = carryResiduals && nonNegative && CanCarry(residual);
                    if (carry)
                    {
                        carried.Add(residual);
                    }

                    var outer = planningCarried;
                    planningCarried = carry;
                    nonNegative &= Plan(residual.Inner, nonNegative);
                    planningCarried = outer;
                    continue;
                case CausalConvLayer conv when conv.Context > 0:
                {
                    CausalConvLayer? pointwise = null;
                    if (conv.Groups != 1)
                    {
                        pointwise = FoldablePointwise(sequence, i) ?? throw new NotSupportedException($"a grouped conv that is not a depthwise conv followed by a 1x1 conv ({conv.Describe()})");
                        folded.Add(pointwise);
                    }

                    AddTap(conv, pointwise);
                    break;
                }

                case CausalConvLayer conv when conv.Groups != 1:
                    throw new NotSupportedException($"a grouped 1x1 conv ({conv.Describe()})");
                case GruLayer gru:
                    recurrentStates[gru] = NewState([1, 1, gru.Hidden], 1);
                    break;
                case LstmLayer lstm:
                    recurrentStates[lstm] = NewState([1, 1, lstm.Hidden], 1);
                    NewState([1, 1, lstm.Hidden], 1);
                    break;
                case RunningMeanLayer mean:
                    // The average [B, F] and its weight [B, 1]: the layer's own state without the frame axis.
                    runningMeans[mean] = NewState([1, mean.InputDim], 0);
                    NewState([1, 1], 0);
                    break;
                case CausalConvLayer or LinearLayer or DropoutLayer:
                    break;
                default:
                    throw new NotSupportedException($"layer {sequence[i].GetType().Name}");
            }

            nonNegative = sequence[i] switch
            {
                DropoutLayer => nonNegative,
                CausalConvLayer conv => conv.Relu,
                _ => false,
            };
        }

        return nonNegative;
    }

    /// <summary>A block of dense convs that keep its width (a depthwise conv is folded into the 1x1 conv after it, see above).</summary>
    private static bool CanCarry(ResidualLayer residual) =>
        residual.Inner.Any(l => l is not DropoutLayer)
        && residual.Inner.All(l => l is DropoutLayer || l is CausalConvLayer { Groups: 1 } conv && conv.InputDim == residual.InputDim && conv.OutputDim == residual.InputDim);

    /// <summary>The 1x1 conv after a depthwise conv with no activation, which the single-frame graph multiplies into it.</summary>
    private static CausalConvLayer? FoldablePointwise(IReadOnlyList<StreamingLayer> sequence, int i)
    {
        var conv = (CausalConvLayer)sequence[i];
        if (conv.Groups != conv.InputDim || conv.Groups != conv.OutputDim || conv.Relu)
        {
            return null;
        }

        // Dropout is the identity at inference, so it does not separate the two.
        var next = sequence.Skip(i + 1).FirstOrDefault(l => l is not DropoutLayer);
        return next is CausalConvLayer { Kernel: 1, Groups: 1 } pointwise && pointwise.InputDim == conv.OutputDim ? pointwise : null;
    }

    private void AddTap(CausalConvLayer conv, CausalConvLayer? pointwise)
    {
        var buffer = buffers.FirstOrDefault(b => b.Width == conv.InputDim);
        if (buffer is null)
        {
            buffer = new RingBuffer(conv.InputDim, NewState([], 0));
            buffers.Add(buffer);
        }

        var outputDim = (pointwise ?? conv).OutputDim;
        var group = groups.FirstOrDefault(t => t.Folded == (pointwise is not null) && t.Carried == planningCarried && t.InputDim == conv.InputDim && t.OutputDim == outputDim && t.Kernel == conv.Kernel);
        if (group is null)
        {
            group = new TapGroup(pointwise is not null, planningCarried, conv.InputDim, outputDim, conv.Kernel);
            groups.Add(group);
        }

        var tap = new Tap(conv, pointwise, buffer, buffer.Frames, group);
        buffer.Frames += conv.Context;
        buffer.Members.Add(tap);
        group.Members.Add(tap);
        taps[conv] = tap;
        shapes[buffer.State] = [1, buffer.Frames, buffer.Width];
    }

    /// <summary>
    /// A dense conv alone in its buffer whose taps are every buffered frame (dilation 1) needs no past sum: one Gemm
    /// over Concat(buffer, frame), whose tail is the new buffer. (A carried conv takes its past sum like the others.)
    /// </summary>
    private static bool IsDirect(Tap tap) =>
        !tap.Group.Folded && !tap.Group.Carried && tap.Group.Members.Count == 1 && tap.Buffer.Members.Count == 1 && tap.Conv.Dilation == 1;

    /// <summary>The past-frame sums of every conv group, from the state inputs alone.</summary>
    private void EmitPastSums()
    {
        foreach (var group in groups.Where(t => !IsDirect(t.Members[0])))
        {
            var (l, k1, cin, cout) = (group.Members.Count, group.Kernel - 1, group.InputDim, group.OutputDim);
            var state = OnnxMetadata.StateIn(group.Members[0].Buffer.State);
            // Frame k * dilation of a layer's buffer is its tap k (tap K-1 is the current frame).
            var frames = group.Members.SelectMany(t => Enumerable.Range(0, k1).Select(k => (long)(t.FrameOffset + k * t.Conv.Dilation))).ToArray();
            string[] pasts;
            if (!group.Folded)
            {
                // A carried conv's Gemm writes [block input; conv output], so its past sum is zero on the first half.
                Tensor Widen(Tensor t) => group.Carried ? torch.cat([torch.zeros_like(t), t], t.dim() - 1) : t;
                using var w = torch.stack(group.Members.Select(t => Widen(t.Conv.Weight.narrow(2, 0, k1).permute(2, 1, 0).reshape(k1 * cin, cout))).ToArray());
                using var b = torch.stack(group.Members.Select(t => Widen(t.Conv.Bias)).ToArray());
                cout = group.Carried ? 2 * cout : cout;
                if (l == 1)
                {
                    var gathered = g.Node("Gather", [state, g.Int64s("frames", frames)], attributes: Int("axis", 1))[0]; // [B, K-1, in]
                    var flat = g.Op("Reshape", gathered, g.Int64s("shape", 0, k1 * cin));
                    pasts = [g.Op("Gemm", flat, g.Floats("past_w", OnnxExporter.Data(w), k1 * cin, cout), g.Floats("past_b", OnnxExporter.Data(b), cout))];
                }
                else
                {
                    var gathered = g.Node("Gather", [state, Frames(l, k1, frames)], attributes: Int("axis", 1))[0]; // [B, L, K-1, in]
                    var rows = g.Op("Reshape", gathered, g.Int64s("shape", 0, l, 1, k1 * cin));
                    var sums = g.Op("MatMul", rows, g.Floats("past_w", OnnxExporter.Data(w), l, k1 * cin, cout));
                    pasts = Split(g.Op("Add", sums, g.Floats("past_b", OnnxExporter.Data(b), l, 1, cout)), l, cout);
                }
            }
            else
            {
                // Depthwise taps (per channel) on the past frames, then through the 1x1 conv: the 1x1 conv's bias and
                // the depthwise bias pushed through it are added here, once per frame.
                using var dw = torch.stack(group.Members.Select(t => t.Conv.Weight.reshape(cin, group.Kernel).narrow(1, 0, k1).t()).ToArray()); // [L, K-1, C]
                using var pw = torch.stack(group.Members.Select(t => t.Pointwise!.Weight.reshape(cout, cin).t()).ToArray()); // [L, C, out]
                using var bias = torch.stack(group.Members.Select(t => FoldedBias(t)).ToArray()); // [L, out]
                var gathered = g.Node("Gather", [state, l == 1 ? g.Int64s("frames", frames) : Frames(l, k1, frames)], attributes: Int("axis", 1))[0];
                var weighted = g.Op("Mul", gathered, g.Floats("dw_w", OnnxExporter.Data(dw), l == 1 ? new long[] { k1, cin } : new long[] { l, k1, cin }));
                if (l == 1)
                {
                    var summed = g.Node("ReduceSum", [weighted, g.Int64s("axes", 1)], attributes: Int("keepdims", 0))[0]; // [B, C]
                    pasts = [g.Op("Gemm", summed, g.Floats("pw_w", OnnxExporter.Data(pw), cin, cout), g.Floats("past_b", OnnxExporter.Data(bias), cout))];
                }
                else
                {
                    var summed = g.Node("ReduceSum", [weighted, g.Int64s("axes", 2)], attributes: Int("keepdims", 1))[0]; // [B, L, 1, C]
                    var sums = g.Op("MatMul", summed, g.Floats("pw_w", OnnxExporter.Data(pw), l, cin, cout));
                    pasts = Split(g.Op("Add", sums, g.Floats("past_b", OnnxExporter.Data(bias), l, 1, cout)), l, cout);
                }
            }

            for (var j = 0; j < l; j++)
            {
                group.Members[j].Past = pasts[j];
            }
        }
    }

    /// <summary>Frame indices as an [L, K-1] initializer, so the Gather yields [B, L, K-1, width].</summary>
    private string Frames(int layers, int taps, long[] frames) => g.Int64Tensor("frames", frames, layers, taps);

    /// <summary>[B, L, 1, out] to L tensors [B, out].</summary>
    private string[] Split(string sums, int layers, int width)
    {
        var flat = g.Op("Reshape", sums, g.Int64s("shape", 0, (long)layers * width));
        return g.Node("Split", [flat, g.Int64s("split", Enumerable.Repeat((long)width, layers).ToArray())], outputs: layers, attributes: Int("axis", 1));
    }

    /// <summary>1x1 bias + 1x1 weights x depthwise bias, in double so the fold adds no rounding of its own.</summary>
    private static Tensor FoldedBias(Tap tap)
    {
        var pointwise = tap.Pointwise!;
        using var w = pointwise.Weight.reshape(pointwise.OutputDim, pointwise.InputDim).to(ScalarType.Float64);
        using var dwBias = tap.Conv.Bias.to(ScalarType.Float64);
        using var pwBias = pointwise.Bias.to(ScalarType.Float64);
        using var sum = torch.mv(w, dwBias) + pwBias;
        return sum.to(ScalarType.Float32);
    }

    private (string Name, Form Form) EmitSequence(IReadOnlyList<StreamingLayer> sequence, string x, Form form)
    {
        foreach (var layer in sequence)
        {
            (x, form) = EmitLayer(layer, x, form);
        }

        return (x, form);
    }

    private (string Name, Form Form) EmitLayer(StreamingLayer layer, string x, Form form)
    {
        switch (layer)
        {
            case DropoutLayer:
                return (x, form);
            case CausalConvLayer conv when folded.Contains(conv):
                return (x, form); // multiplied into the depthwise conv before it
            case LinearLayer linear:
            {
                // A carried pair is read by multiplying both halves by the same weights.
                var sum = form == Form.Sum;
                var wt = linear.Weight.t();
                var w = g.Floats("linear_w", OnnxExporter.Data(sum ? torch.cat([wt, wt], 0) : wt), sum ? 2 * linear.InputDim : linear.InputDim, linear.OutputDim);
                return (g.Op("Gemm", sum ? x : Flat(x, form), w, g.Floats("linear_b", OnnxExporter.Data(linear.Bias), linear.OutputDim)), Form.Flat);
            }

            case ResidualLayer residual when carried.Contains(residual):
                return (EmitCarried(residual, form == Form.Sum ? x : Flat(x, form), form == Form.Sum ? Form.Sum : Form.Flat), Form.Sum);
            case ResidualLayer residual:
            {
                var input = Flat(x, form);
                var (y, yForm) = EmitSequence(residual.Inner, input, Form.Flat);
                return (g.Op("Add", input, Flat(y, yForm)), Form.Flat);
            }

            case CausalConvLayer conv when taps.TryGetValue(conv, out var tap):
                return (EmitTap(tap, Flat(x, form)), Form.Flat);
            case CausalConvLayer conv:
            {
                // 1x1 dense conv: a Gemm (and ReLU).
                using var w1 = conv.Weight.reshape(conv.OutputDim, conv.InputDim).t();
                var y = g.Op("Gemm", Flat(x, form), g.Floats("conv_w", OnnxExporter.Data(w1), conv.InputDim, conv.OutputDim),
                    g.Floats("conv_b", OnnxExporter.Data(conv.Bias), conv.OutputDim));
                return (conv.Relu ? g.Op("Relu", y) : y, Form.Flat);
            }

            case GruLayer gru:
            {
                var (w, r, b) = OnnxExporter.GruWeights(g, gru);
                var state = recurrentStates[gru];
                // The last hidden state (Y_h) is both the layer's output and the new state; Y is not needed for one frame.
                g.Node("GRU", [TimeMajor(x, form), w, r, b, "", OnnxMetadata.StateIn(state)], outputNames: ["", stateOut(state)],
                    attributes: [Int("hidden_size", gru.Hidden), Int("linear_before_reset", 1)]);
                return (stateOut(state), Form.TimeMajor);
            }

            case RunningMeanLayer mean:
            {
                // One step of the layer: a = β a + α x, w = β w + α, output x - a / w (its chunk formula for n = 1).
                var state = runningMeans[mean];
                var frame = Flat(x, form);
                var beta = g.Floats("beta", [(float)(1 - mean.Alpha)]);
                var alpha = g.Floats("alpha", [(float)mean.Alpha]);
                var average = g.Node("Add", [g.Op("Mul", beta, OnnxMetadata.StateIn(state)), g.Op("Mul", alpha, frame)], outputNames: [stateOut(state)])[0];
                var weight = g.Node("Add", [g.Op("Mul", beta, OnnxMetadata.StateIn(state + 1)), alpha], outputNames: [stateOut(state + 1)])[0];
                return (g.Op("Sub", frame, g.Op("Div", average, weight)), Form.Flat);
            }

            case LstmLayer lstm:
            {
                var (w, r, b) = OnnxExporter.LstmWeights(g, lstm);
                var state = recurrentStates[lstm];
                g.Node("LSTM", [TimeMajor(x, form), w, r, b, "", OnnxMetadata.StateIn(state), OnnxMetadata.StateIn(state + 1)],
                    outputNames: ["", stateOut(state), stateOut(state + 1)], attributes: [Int("hidden_size", lstm.Hidden)]);
                return (stateOut(state), Form.TimeMajor);
            }

            default:
                throw new NotSupportedException($"no single-frame ONNX form for layer {layer.GetType().Name}");
        }
    }

    /// <summary>
    /// A carried residual block from <paramref name="x"/> (its input, or the pair a carried block before left): each conv
    /// is one Gemm that also passes the block input through, and the last one leaves the pair [block input; branch].
    /// </summary>
    private string EmitCarried(ResidualLayer residual, string x, Form form)
    {
        var width = residual.InputDim;
        var convs = residual.Inner.OfType<CausalConvLayer>().ToArray();
        using var eye = torch.eye(width);
        using var zero = torch.zeros(width, width);
        for (var j = 0; j < convs.Length; j++)
        {
            var conv = convs[j];
            var tap = taps.GetValueOrDefault(conv);
            // [in, out]: the tap on the current frame (the past taps come in as the Gemm's C), or the 1x1 weights.
            var layer = tap is null ? conv.Weight.reshape(width, width).t() : conv.Weight.select(2, conv.Kernel - 1).t();
            var w = form switch
            {
                Form.Flat => torch.cat([eye, layer], 1),
                Form.Sum => torch.cat([torch.cat([eye, layer], 1), torch.cat([eye, layer], 1)], 0),
                _ => torch.cat([torch.cat([eye, zero], 1), torch.cat([zero, layer], 1)], 0),
            };
            var c = tap?.Past ?? g.Floats("conv_b", OnnxExporter.Data(torch.cat([torch.zeros(width), conv.Bias])), 2 * width);
            var y = g.Op("Gemm", x, g.Floats("conv_w", OnnxExporter.Data(w), form == Form.Flat ? width : 2 * width, 2 * width), c);
            y = conv.Relu ? g.Op("Relu", y) : y;
            if (tap is not null)
            {
                // Where the conv's input frame lies as a row of width channels: a pair's sum only exists as this Gemm's first half.
                (tap.Input, tap.InputRow, tap.InputRows) = form switch
                {
                    Form.Flat => (x, 0, 1),
                    Form.Sum => (y, 0, 2),
                    _ => (x, 1, 2),
                };
            }

            (x, form) = (y, j == convs.Length - 1 ? Form.Sum : Form.Carry);
        }

        pairWidths[x] = width;
        return x;
    }

    private string EmitTap(Tap tap, string x)
    {
        var conv = tap.Conv;
        var relu = (tap.Pointwise ?? conv).Relu;
        (tap.Input, tap.InputRow, tap.InputRows) = (x, 0, 1);
        string y;
        if (IsDirect(tap))
        {
            // All buffered frames are taps: Concat(buffer, frame) is the tap vector, its tail the new buffer.
            var buffer = g.Op("Reshape", OnnxMetadata.StateIn(tap.Buffer.State), g.Int64s("shape", 0, (long)conv.Context * conv.InputDim));
            var all = g.Node("Concat", [buffer, x], attributes: Int("axis", 1))[0];
            using var w = conv.Weight.permute(2, 1, 0).reshape(conv.Kernel * conv.InputDim, conv.OutputDim);
            y = g.Op("Gemm", all, g.Floats("conv_w", OnnxExporter.Data(w), conv.Kernel * conv.InputDim, conv.OutputDim),
                g.Floats("conv_b", OnnxExporter.Data(conv.Bias), conv.OutputDim));
            var tail = g.Op("Slice", all, g.Int64s("start", conv.InputDim), g.Int64s("end", long.MaxValue), g.Int64s("axes", 1));
            g.Node("Reshape", [tail, g.Int64s("shape", 0, conv.Context, conv.InputDim)], outputNames: [stateOut(tap.Buffer.State)]);
        }
        else
        {
            // The current frame's tap, plus the past taps' sum computed up front (bias included).
            Tensor current;
            if (tap.Pointwise is { } pointwise)
            {
                using var last = conv.Weight.reshape(conv.InputDim, conv.Kernel).narrow(1, conv.Kernel - 1, 1); // [C, 1]
                using var pw = pointwise.Weight.reshape(pointwise.OutputDim, pointwise.InputDim).t(); // [C, out]
                current = last * pw;
            }
            else
            {
                current = conv.Weight.select(2, conv.Kernel - 1).t();
            }

            using (current)
            {
                y = g.Op("Gemm", x, g.Floats("conv_w", OnnxExporter.Data(current), conv.InputDim, tap.Group.OutputDim), tap.Past!);
            }
        }

        return relu ? g.Op("Relu", y) : y;
    }

    /// <summary>Each shared ring buffer drops its oldest frame per layer and appends the layer's input frame: one Gather.</summary>
    private void EmitStateUpdates()
    {
        foreach (var buffer in buffers.Where(b => !IsDirect(b.Members[0])))
        {
            var (frames, width) = (buffer.Frames, buffer.Width);
            var old = g.Op("Reshape", OnnxMetadata.StateIn(buffer.State), g.Int64s("shape", 0, (long)frames * width));
            var all = g.Node("Concat", [old, .. buffer.Members.Select(t => t.Input!)], attributes: Int("axis", 1))[0];
            var rows = g.Op("Reshape", all, g.Int64s("shape", 0, frames + buffer.Members.Sum(t => t.InputRows), width));
            var appended = (long)frames;
            var keep = new List<long>();
            foreach (var t in buffer.Members)
            {
                keep.AddRange(Enumerable.Range(1, t.Conv.Context - 1).Select(f => (long)(t.FrameOffset + f)));
                keep.Add(appended + t.InputRow);
                appended += t.InputRows;
            }

            g.Node("Gather", [rows, g.Int64s("frames", [.. keep])], outputNames: [stateOut(buffer.State)], attributes: Int("axis", 1));
        }
    }

    private string Flat(string x, Form form)
    {
        switch (form)
        {
            case Form.Flat:
                return x;
            case Form.TimeMajor:
                return g.Op("Squeeze", x, g.Int64s("axes", 0));
            case Form.Sum:
            {
                // The pair's sum for a reader that cannot take both halves: one Gemm with [I; I], as exact as an Add.
                var width = pairWidths[x];
                using var eye = torch.eye(width);
                using var both = torch.cat([eye, eye], 0);
                return g.Op("Gemm", x, g.Floats("sum_w", OnnxExporter.Data(both), 2 * width, width));
            }

            default:
                throw new InvalidOperationException("a carried block's inner value is only read inside the block");
        }
    }

    private string TimeMajor(string x, Form form) => form == Form.TimeMajor ? x : g.Op("Unsqueeze", Flat(x, form), g.Int64s("axes", 0));

    /// <summary>Gives the last layer's tensor the graph output's name (no Identity node), or copies the input when there is no layer.</summary>
    private void Rename(string y, string input, string output)
    {
        if (y == input)
        {
            g.Node("Identity", [y], outputNames: [output]);
            return;
        }

        foreach (var node in g.Graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = node.Input[i] == y ? output : node.Input[i];
            }

            for (var i = 0; i < node.Output.Count; i++)
            {
                node.Output[i] = node.Output[i] == y ? output : node.Output[i];
            }
        }

        foreach (var tap in taps.Values.Where(t => t.Input == y))
        {
            tap.Input = output;
        }
    }

    /// <summary>The ring buffers of all conv layers of one input width, side by side in one state tensor.</summary>
    private sealed class RingBuffer(int width, int state)
    {
        public int Width { get; } = width;

        public int State { get; } = state;

        public int Frames { get; set; }

        public List<Tap> Members { get; } = [];
    }

    /// <summary>Conv layers whose past sums share one batched MatMul: same kind, widths and kernel.</summary>
    private sealed class TapGroup(bool folded, bool carried, int inputDim, int outputDim, int kernel)
    {
        public bool Folded { get; } = folded;

        /// <summary>The members sit in carried residual blocks: their Gemms write [block input; conv output].</summary>
        public bool Carried { get; } = carried;

        public int InputDim { get; } = inputDim;

        public int OutputDim { get; } = outputDim;

        public int Kernel { get; } = kernel;

        public List<Tap> Members { get; } = [];
    }

    /// <summary>One conv layer with context: where its frames sit in its buffer, and (once emitted) its past sum and input.</summary>
    private sealed class Tap(CausalConvLayer conv, CausalConvLayer? pointwise, RingBuffer buffer, int frameOffset, TapGroup group)
    {
        public CausalConvLayer Conv { get; } = conv;

        public CausalConvLayer? Pointwise { get; } = pointwise;

        public RingBuffer Buffer { get; } = buffer;

        public int FrameOffset { get; } = frameOffset;

        public TapGroup Group { get; } = group;

        public string? Past { get; set; }

        /// <summary>The tensor holding the conv's input frame, as row <see cref="InputRow"/> of its <see cref="InputRows"/> rows.</summary>
        public string? Input { get; set; }

        public int InputRow { get; set; }

        public int InputRows { get; set; } = 1;
    }
}
