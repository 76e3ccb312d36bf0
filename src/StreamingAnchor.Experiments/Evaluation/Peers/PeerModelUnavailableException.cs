namespace StreamingAnchor.Evaluation.Peers;

/// <summary>A peer's model files could not be fetched or opened; the message is one line saying why.</summary>
public sealed class PeerModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
