using StreamingAnchor.Evaluation;

namespace StreamingAnchor.Inference;

/// <summary>What a streamed clip produced: posteriors [Frames, Classes] of the positive classes, frame by frame, and detections.</summary>
public sealed record StreamingResult(float[] Posteriors, int Frames, int Classes, IReadOnlyList<Detection> Detections);
