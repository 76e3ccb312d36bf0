using System.Text.Json.Serialization;

namespace StreamingAnchor.Training;

/// <summary>What picks the best epoch on the dev split (lower is better). Written by name in lower case, as before it was typed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DevMetric>))]
public enum DevMetric
{
    /// <summary>Equal error rate of the streamed detector (FRR where it meets the false-alarm rate, per the DET).</summary>
    [JsonStringEnumMemberName("eer")] Eer,

    /// <summary>False-rejection rate at <see cref="TrainConfig.DevFaPerHour"/> false alarms per hour: the operating point.</summary>
    [JsonStringEnumMemberName("frr")] Frr,

    /// <summary>The training loss on the dev split (frame level; no detector).</summary>
    [JsonStringEnumMemberName("loss")] Loss,
}
