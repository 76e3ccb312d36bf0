namespace StreamingAnchor.Data.Importers;

/// <summary>Options of <see cref="KaldiDataImporter"/>.</summary>
public sealed record KaldiImportOptions
{
    /// <summary>Label of the events made from <c>segments</c> (null: segments make no events).</summary>
    public string? SegmentLabel { get; init; } = "speech";

    /// <summary>CTM with word times, relative to each utterance.</summary>
    public string? CtmPath { get; init; }

    /// <summary>Keyword phrase looked up in the CTM.</summary>
    public string? Keyword { get; init; }

    /// <summary>Event label for the keyword; default its words joined by '_'.</summary>
    public string? KeywordLabel { get; init; }

    public SplitAssigner Splits { get; init; } = new();
}
