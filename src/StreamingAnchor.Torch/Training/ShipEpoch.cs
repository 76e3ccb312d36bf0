using System.Text.Json.Serialization;

namespace StreamingAnchor.Training;

/// <summary>Which epoch's weights a run ships as weights.dat. Written by name in lower case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShipEpoch>))]
public enum ShipEpoch
{
    /// <summary>The epoch with the best <see cref="TrainConfig.DevMetric"/> (ties at equal FRR go to the lower dev EER).</summary>
    [JsonStringEnumMemberName("best")] Best,

    /// <summary>
    /// The last epoch, with the dev split still scored and recorded every epoch: where the dev metric is too coarse to
    /// pick between epochs (FRR at 1 FA/h on a few hours of dev audio; docs/results.md, "Which epoch to ship").
    /// </summary>
    [JsonStringEnumMemberName("last")] Last,
}
