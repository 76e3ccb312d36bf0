namespace StreamingAnchor.Data;

/// <summary>Where <see cref="FeatureDataset"/> keeps a split's features.</summary>
public enum FeatureStorage
{
    /// <summary>One contiguous float32 file per split beside the feature cache, memory-mapped (<see cref="MappedFeatureStore"/>).</summary>
    Mapped,

    /// <summary>Arrays in RAM (<see cref="MemoryFeatureStore"/>): no extra file, memory grows with the corpus.</summary>
    Memory,
}
