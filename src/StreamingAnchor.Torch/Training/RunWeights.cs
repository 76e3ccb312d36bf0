using System.Text.Json.Serialization;

namespace StreamingAnchor.Training;

/// <summary>Which of a run folder's weights an evaluation streams. Written by name in lower case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunWeights>))]
public enum RunWeights
{
    /// <summary>weights.dat: what the run ships (its <see cref="ShipEpoch"/>) and what export and detect use.</summary>
    [JsonStringEnumMemberName("shipped")] Shipped,

    /// <summary>The model part of checkpoints/best.ckpt (the dev metric's epoch).</summary>
    [JsonStringEnumMemberName("best")] Best,

    /// <summary>The model part of checkpoints/last.ckpt (the last finished epoch).</summary>
    [JsonStringEnumMemberName("last")] Last,
}
