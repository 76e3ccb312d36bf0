namespace StreamingAnchor.Export;

/// <summary>Which features graph <see cref="OnnxExporter"/> writes.</summary>
public enum OnnxStepGraph
{
    /// <summary>
    /// One frame per call ([B, 1, F] in): one Gemm per layer, the conv ring buffers of one width in one state tensor
    /// (see <see cref="SingleFrameGraph"/>). The default: a device runs one 10 ms frame per call.
    /// </summary>
    SingleFrame,

    /// <summary>Any number of frames per call ([B, n, F] in), one state tensor per layer, node by node per kernel tap (format version 1).</summary>
    MultiFrame,
}
