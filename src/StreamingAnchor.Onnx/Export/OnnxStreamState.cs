using Microsoft.ML.OnnxRuntime;

namespace StreamingAnchor.Export;

/// <summary>
/// The state of one ONNX stream: plain float buffers pinned once as ONNX Runtime values. Two sets alternate as
/// input and output of a single-frame step (with pre-bound I/O), so a frame allocates and copies nothing.
/// </summary>
public sealed class OnnxStreamState : IDisposable
{
    private readonly float[][][] sets;
    private readonly OrtValue[][] values;
    private readonly OrtIoBinding?[] bindings = new OrtIoBinding?[2];
    private readonly float[] frame;
    private readonly float[] logits;
    private readonly OrtValue frameValue;
    private readonly OrtValue logitsValue;

    /// <param name="frameAxis">Whether the graph's input and output have a frame axis ([1, 1, F]) or not ([1, F], the single-frame graph).</param>
    internal OnnxStreamState(IReadOnlyList<long[]> shapes, int inputDim, int numClasses, bool frameAxis)
    {
        sets = new float[2][][];
        values = new OrtValue[2][];
        for (var s = 0; s < 2; s++)
        {
            sets[s] = shapes.Select(shape => new float[shape.Aggregate(1L, (a, b) => a * b)]).ToArray();
            values[s] = sets[s].Select((b, i) => OrtValue.CreateTensorValueFromMemory(b, shapes[i])).ToArray();
        }

        frame = new float[inputDim];
        logits = new float[numClasses];
        frameValue = OrtValue.CreateTensorValueFromMemory(frame, frameAxis ? [1, 1, inputDim] : [1, inputDim]);
        logitsValue = OrtValue.CreateTensorValueFromMemory(logits, frameAxis ? [1, 1, numClasses] : [1, numClasses]);
    }

    /// <summary>Index of the set that holds the current state.</summary>
    internal int Current { get; set; }

    /// <summary>One buffer per state tensor (state_in_i), row-major: the state after the last step.</summary>
    public float[][] Buffers => sets[Current];

    internal OrtValue[] Values => values[Current];

    internal float[][] NextBuffers => sets[1 - Current];

    /// <summary>Frames fed so far (for stamping delayed outputs).</summary>
    public long FramesSeen { get; internal set; }

    /// <summary>Runs one frame through the session with I/O bound to this state's buffers; returns the logits buffer.</summary>
    internal float[] RunFrame(InferenceSession session, RunOptions options, ReadOnlySpan<float> input, string[] inputNames, string[] outputNames)
    {
        var binding = bindings[Current];
        if (binding is null)
        {
            binding = session.CreateIoBinding();
            binding.BindInput(inputNames[0], frameValue);
            binding.BindOutput(outputNames[0], logitsValue);
            for (var i = 0; i < values[Current].Length; i++)
            {
                binding.BindInput(inputNames[1 + i], values[Current][i]);
                binding.BindOutput(outputNames[1 + i], values[1 - Current][i]);
            }

            bindings[Current] = binding;
        }

        input.CopyTo(frame);
        session.RunWithBinding(options, binding);
        Current = 1 - Current;
        FramesSeen++;
        return logits;
    }

    /// <summary>Back to the fresh state of a new stream.</summary>
    public void Reset()
    {
        foreach (var set in sets)
        {
            foreach (var b in set)
            {
                Array.Clear(b);
            }
        }

        FramesSeen = 0;
    }

    public void Dispose()
    {
        foreach (var b in bindings)
        {
            b?.Dispose();
        }

        foreach (var set in values)
        {
            foreach (var v in set)
            {
                v.Dispose();
            }
        }

        frameValue.Dispose();
        logitsValue.Dispose();
    }
}
