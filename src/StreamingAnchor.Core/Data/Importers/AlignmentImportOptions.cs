namespace StreamingAnchor.Data.Importers;

/// <summary>Options of <see cref="AlignmentImporter"/> (TextGrid and CTM word alignments).</summary>
public sealed record AlignmentImportOptions
{
    /// <summary>Keyword phrase whose word intervals become events (one or more words).</summary>
    public required string Keyword { get; init; }

    /// <summary>Event label for the keyword; default its words joined by '_'.</summary>
    public string? KeywordLabel { get; init; }

    /// <summary>TextGrid tier holding words (MFA writes "words").</summary>
    public string Tier { get; init; } = "words";

    /// <summary>Also add one event with this label from the first to the last spoken word (null: none).</summary>
    public string? SpeechLabel { get; init; }

    /// <summary>Import only clips that contain the keyword (otherwise the rest are negatives).</summary>
    public bool OnlyWithKeyword { get; init; }

    public SplitAssigner Splits { get; init; } = new();
}
