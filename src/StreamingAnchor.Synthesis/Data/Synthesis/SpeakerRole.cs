namespace StreamingAnchor.Data.Synthesis;

/// <summary>Who speaks an item: anyone (kws, onset), or in trigger streams the wearer, a bystander or a loudspeaker.</summary>
public enum SpeakerRole
{
    Ambient,
    Wearer,
    Bystander,
    Loudspeaker,
}
