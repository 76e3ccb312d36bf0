namespace StreamingAnchor.Data.Synthesis;

/// <summary>The three corpora the generator can make.</summary>
public enum SynthTask
{
    /// <summary>Keyword spotting: keyword in streams of other speech and noise.</summary>
    Kws,

    /// <summary>Speech onset: noise or silence followed by speech segments; the anchor is the first phone.</summary>
    Onset,

    /// <summary>Multi-modal trigger: wearer's phrase with an accelerometer stream; bystanders and motion are negatives.</summary>
    Trigger,
}
