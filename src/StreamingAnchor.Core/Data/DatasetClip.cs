using StreamingAnchor.Audio;

namespace StreamingAnchor.Data;

/// <summary>
/// One loaded clip: its manifest entry, resolved audio path, the task rule's targets, anchors and events over its whole
/// length, and its raw (unnormalised) features [frames, mel + streams], read from the split's <see cref="FeatureStore"/>
/// on demand rather than held.
/// </summary>
public sealed class DatasetClip
{
    private readonly FeatureStore _store;
    private readonly int _index;

    public DatasetClip(ManifestEntry entry, string audioPath, FeatureStore store, int index, LabeledTargets labels,
        IReadOnlyList<double> nearMissEnds)
    {
        ArgumentNullException.ThrowIfNull(store);
        Entry = entry;
        AudioPath = audioPath;
        _store = store;
        _index = index;
        Labels = labels;
        NearMissEnds = nearMissEnds;
    }

    public ManifestEntry Entry { get; }

    public string AudioPath { get; }

    public LabeledTargets Labels { get; }

    public string Id => Entry.Id;

    /// <summary>
    /// Where each near miss marked in <c>meta.near_miss</c> ends, in seconds (empty when none): where a detector would
    /// fire on it, so the sampler can cut windows around it and the loss can weight the frames near it.
    /// </summary>
    public IReadOnlyList<double> NearMissEnds { get; }

    public int Frames => _store.Frames(_index);

    public int Dim => _store.Dim;

    /// <summary>The whole clip's features, as a new matrix.</summary>
    public FeatureMatrix ReadFeatures() => _store.Matrix(_index);

    /// <summary>Copies frames [start, start + destination.Length / Dim) into <paramref name="destination"/>.</summary>
    public void ReadFrames(int start, Span<float> destination) => _store.Read(_index, start, destination);
}
