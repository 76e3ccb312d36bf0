using System.Text.Json.Serialization;

namespace StreamingAnchor.Losses;

/// <summary>The members of the loss family, written in configs and flags by the names below (<see cref="EnumNames"/>).</summary>
public enum LossKind
{
    /// <summary>"ce": frame-wise cross entropy.</summary>
    Ce,

    /// <summary>"focal": (1-p)^gamma * CE.</summary>
    Focal,

    /// <summary>"sal": (1 + lambda s) * CE.</summary>
    Sal,

    /// <summary>"sa+fl": (1 + lambda s) * (1-p)^gamma * CE.</summary>
    [JsonStringEnumMemberName("sa+fl")] SaPlusFl,

    /// <summary>"safl": (1-p)^(gamma s) * CE, optionally times (1 + lambda s).</summary>
    Safl,

    /// <summary>"maxpool": the max-pooling keyword-spotting loss (one term per sequence and positive class).</summary>
    [JsonStringEnumMemberName("maxpool")] MaxPool,
}
