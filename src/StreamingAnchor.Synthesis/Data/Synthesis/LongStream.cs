namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// The long-stream part of a plan: its kind and the background files played one after another (looped when they are
/// shorter than the stream; empty = the plan's <see cref="NoisePlan"/> alone). Files come from one source, so a stream
/// is "keyboard" or "traffic" throughout, as a real recording would be.
/// </summary>
public sealed record LongStream(LongStreamKind Kind, IReadOnlyList<RealFile> Beds);
