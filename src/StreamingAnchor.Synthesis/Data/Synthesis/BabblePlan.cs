namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// A babble bed: 2-6 talkers, each a list of utterances (TTS sentences or real speech of the clip's split) spoken in
/// turn and looped over the stream, summed and mixed at <see cref="SnrDb"/> against the stream's speech.
/// <see cref="Seed"/> draws each talker's gaps, start and level.
/// </summary>
public sealed record BabblePlan(IReadOnlyList<IReadOnlyList<PlannedItem>> Talkers, double SnrDb, int Seed);
