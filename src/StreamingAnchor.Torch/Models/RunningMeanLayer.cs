using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Models;

/// <summary>
/// Subtracts a running mean from every input frame: an exponential moving average with a time constant of
/// <see cref="Frames"/> frames over the stream so far, bias-corrected so that it is the mean of what was heard from the
/// first frame on (the first frame maps to 0). What a voice's timbre, a room or a microphone add to every frame for
/// seconds at a time is removed; what changes within a word is kept. The global normaliser cannot do this: its
/// statistics are the training set's, fixed for every stream.
/// <para>
/// The state is the unnormalised average a [B,1,in] and its weight w [B,1,1] (both 0 at a stream's start): per frame
/// a = β a + α x, w = β w + α with α = 1/<see cref="Frames"/>, β = 1 - α, output x - a / w. A chunk of n frames applies
/// the n steps at once as one [n,n] matrix of α β^(t-s) (<see cref="Chunk"/>); offline runs the same chunks of at
/// most <see cref="Block"/> frames, so offline and streaming compute one function and the matrix stays small.
/// </para>
/// </summary>
public sealed class RunningMeanLayer : StreamingLayer
{
    /// <summary>Longest chunk computed as one matrix; longer inputs go through in blocks carrying the state.</summary>
    public const int Block = 256;

    private readonly int width;

    public RunningMeanLayer(int width, int frames) : base(nameof(RunningMeanLayer))
    {
        if (width < 1 || frames < 2)
        {
            throw new ArgumentException($"running mean needs a positive width and time constant, got {width} and {frames} frames (at least 2)");
        }
        this.width = width;
        Frames = frames;
    }

    /// <summary>Time constant in frames: a frame this many frames back weighs 1/e of the current one.</summary>
    public int Frames { get; }

    public double Alpha => 1.0 / Frames;

    public override int InputDim => width;

    public override int OutputDim => width;

    public override long MacsPerFrame => 0;

    /// <summary>Unbounded: the average reaches back to the stream's first frame.</summary>
    public override int? PastContext => null;

    public override IReadOnlyList<long[]> StateShapes(int batchSize) => [[batchSize, 1, width], [batchSize, 1, 1]];

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var batch = input.shape[0];
        IReadOnlyList<Tensor> state = [zeros(batch, 1, width, input.dtype, input.device), zeros(batch, 1, 1, input.dtype, input.device)];
        var outputs = new List<Tensor>();
        for (long start = 0; start < input.shape[1]; start += Block)
        {
            Tensor y;
            (y, state) = Step(input.narrow(1, start, Math.Min(Block, input.shape[1] - start)), state);
            outputs.Add(y);
        }
        return (outputs.Count == 1 ? outputs[0] : cat(outputs, 1)).MoveToOuterDisposeScope();
    }

    public override (Tensor Output, IReadOnlyList<Tensor> State) Step(Tensor chunk, IReadOnlyList<Tensor> state)
    {
        var n = (int)chunk.shape[1];
        if (n == 0)
        {
            return (chunk.alias(), [state[0].alias(), state[1].alias()]);
        }
        using var scope = NewDisposeScope();
        var (kernel, decay, gain) = Chunk(n, chunk.dtype, chunk.device);
        // a_t = β^(t+1) a_prev + Σ_{s<=t} α β^(t-s) x_s;  w_t = β^(t+1) w_prev + (1 - β^(t+1)), the last term computed
        // in double: as 1 - a float β^(t+1) it would lose digits exactly where w is small, at a stream's start.
        var average = decay * state[0] + matmul(kernel, chunk);
        var weight = decay * state[1] + gain;
        var output = chunk - average / weight;
        return (output.MoveToOuterDisposeScope(),
            [average.narrow(1, n - 1, 1).MoveToOuterDisposeScope(), weight.narrow(1, n - 1, 1).MoveToOuterDisposeScope()]);
    }

    /// <summary>
    /// The chunk's [n,n] matrix of α β^(t-s) for s &lt;= t (0 above the diagonal) and the [n,1] columns β^(t+1) and
    /// 1 - β^(t+1).
    /// </summary>
    private (Tensor Kernel, Tensor Decay, Tensor Gain) Chunk(int n, ScalarType dtype, Device device)
    {
        var logBeta = Math.Log(1 - Alpha);
        var kernel = new double[n * n];
        var decay = new double[n];
        var gain = new double[n];
        for (var t = 0; t < n; t++)
        {
            for (var s = 0; s <= t; s++)
            {
                kernel[(t * n) + s] = Alpha * Math.Exp((t - s) * logBeta);
            }
            decay[t] = Math.Exp((t + 1) * logBeta);
            gain[t] = -double.ExpM1((t + 1) * logBeta);
        }
        return (tensor(kernel, [n, n]).to(dtype, device), tensor(decay, [n, 1]).to(dtype, device), tensor(gain, [n, 1]).to(dtype, device));
    }

    public override string Describe() => $"running mean {Frames} frames";
}
