namespace StreamingAnchor.Export;

/// <summary>Which features graph <see cref="OnnxExporter"/> writes.</summary>
public enum OnnxStepGraph
{
    /// <summary>
    /// One frame per call ([B, 1, F] in): one Gemm per layer, the conv ring buffers of one width in one state tensor
    /// (see <c>SingleFrameGraph</c>). The default: a device runs one 10 ms frame per call.
    /// </summary>
    SingleFrame,

    /// <summary>
    /// The single-frame graph with its residual blocks of dense convs carried through their Gemms instead of an Add
    /// node each (the TCN's): the same inputs, outputs and state layout as <see cref="SingleFrame"/> and fewer nodes,
    /// but twice as wide Gemms, which took as long on the measured machine (docs/performance.md); so not the default.
    /// </summary>
    SingleFrameCarried,

    /// <summary>Any number of frames per call ([B, n, F] in), one state tensor per layer, node by node per kernel tap (format version 1).</summary>
    MultiFrame,
}
