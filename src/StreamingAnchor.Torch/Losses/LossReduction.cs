using System.Text.Json.Serialization;

namespace StreamingAnchor.Losses;

/// <summary>How the weighted per-frame losses of a batch become one scalar.</summary>
public enum LossReduction
{
    /// <summary>"mean": sum of weighted frame losses / number of valid frames (maxpool: / number of non-empty sequences).</summary>
    Mean,

    /// <summary>"weight-sum": sum of weighted frame losses / sum of the frames' (anchor and class) weights.</summary>
    [JsonStringEnumMemberName("weight-sum")] WeightSum,
}
