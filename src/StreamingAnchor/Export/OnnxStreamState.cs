using Microsoft.ML.OnnxRuntime;

namespace StreamingAnchor.Export;

/// <summary>The state of one ONNX stream: plain float buffers, pinned once as ONNX Runtime values.</summary>
public sealed class OnnxStreamState : IDisposable
{
    internal OnnxStreamState(IReadOnlyList<long[]> shapes)
    {
        Buffers = shapes.Select(s => new float[s.Aggregate(1L, (a, b) => a * b)]).ToArray();
        Values = Buffers.Select((b, i) => OrtValue.CreateTensorValueFromMemory(b, shapes[i])).ToArray();
    }

    /// <summary>One buffer per state tensor (state_in_i), row-major.</summary>
    public float[][] Buffers { get; }

    internal OrtValue[] Values { get; }

    /// <summary>Frames fed so far (for stamping delayed outputs).</summary>
    public long FramesSeen { get; internal set; }

    /// <summary>Back to the fresh state of a new stream.</summary>
    public void Reset()
    {
        foreach (var b in Buffers)
        {
            Array.Clear(b);
        }

        FramesSeen = 0;
    }

    public void Dispose()
    {
        foreach (var v in Values)
        {
            v.Dispose();
        }
    }
}
