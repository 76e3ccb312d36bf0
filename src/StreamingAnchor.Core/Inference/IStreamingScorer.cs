namespace StreamingAnchor.Inference;

/// <summary>
/// A streaming model seen from the device side, without tensors (so the ONNX path needs no libtorch):
/// frames in, logit rows out, delayed by <see cref="LookAhead"/> rows exactly as StreamingModel.Step.
/// </summary>
public interface IStreamingScorer : IDisposable
{
    int InputDim { get; }

    int NumClasses { get; }

    int LookAhead { get; }

    /// <summary>Feeds n frames (row-major [n, InputDim]) and returns n rows of logits [n, NumClasses].</summary>
    float[] Push(float[] frames);

    /// <summary>Feeds LookAhead zero frames and returns their rows: the outputs of the last LookAhead frames.</summary>
    float[] Flush();

    /// <summary>Starts a new stream.</summary>
    void Reset();
}
