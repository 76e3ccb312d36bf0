namespace StreamingAnchor.Data.Synthesis;

/// <summary>Where a planned item's speech (first to last phone) landed in the stream, in samples at 16 kHz.</summary>
public sealed record PlacedSegment(PlannedItem Item, int Start, int End)
{
    public double StartSeconds => (double)Start / SpeechCut.Rate;
    public double EndSeconds => (double)End / SpeechCut.Rate;
}
