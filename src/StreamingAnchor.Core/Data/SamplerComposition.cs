namespace StreamingAnchor.Data;

/// <summary>
/// What one <see cref="ExampleKind"/> of a split draws from under a sampler: the clips feeding it (with anchors for
/// positives, of that negative kind otherwise; a positive clip's anchor-free crops feed its negative kind too), their
/// hours, the windows in one pass of its deck, and its rows in every batch.
/// </summary>
public sealed record SamplerComposition(ExampleKind Kind, int Clips, double Hours, int WindowsPerPass, int RowsPerBatch);
