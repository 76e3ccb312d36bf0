using StreamingAnchor.Inference;

namespace StreamingAnchor.Export;

/// <summary>Runs an exported ONNX streaming step as one stream; no libtorch involved.</summary>
public sealed class OnnxStreamingScorer : IStreamingScorer
{
    private readonly OnnxStreamingModel model;
    private readonly OnnxStreamState state;

    public OnnxStreamingScorer(OnnxStreamingModel model)
    {
        this.model = model;
        state = model.InitialState();
    }

    public int InputDim => model.InputDim;

    public int NumClasses => model.NumClasses;

    public int LookAhead => model.LookAhead;

    public float[] Push(float[] frames) => model.Step(frames, state);

    public float[] Flush() => LookAhead == 0 ? [] : Push(new float[LookAhead * InputDim]);

    public void Reset() => state.Reset();

    public void Dispose() => state.Dispose();
}
