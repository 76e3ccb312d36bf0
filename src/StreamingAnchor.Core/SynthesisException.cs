namespace StreamingAnchor;

/// <summary>A generation failure with a one-line message naming the tool or file and the problem.</summary>
public sealed class SynthesisException(string message, Exception? inner = null) : Exception(message, inner);
