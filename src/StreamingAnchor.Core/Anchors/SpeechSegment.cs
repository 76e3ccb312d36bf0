namespace StreamingAnchor.Anchors;

/// <summary>Where speech starts and ends in a clip, in seconds.</summary>
public sealed record SpeechSegment(double Start, double End);
