using System.Text.Json.Serialization;

namespace StreamingAnchor.Recipes;

/// <summary>Which of a recipe's trained runs (the training stage and each fine-tune) it evaluates and exports. Written in lower case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShipRun>))]
public enum ShipRun
{
    /// <summary>The run whose best epoch has the lowest dev metric (ties to the lower dev EER, then to the later run).</summary>
    [JsonStringEnumMemberName("dev")] Dev,

    /// <summary>
    /// The last fine-tune (the training stage when no round mined anything): where dev is too coarse to tell a fine-tune
    /// from its base and the test split has favoured the fine-tune seed after seed (docs/results.md, "The onset mining
    /// round, three seeds").
    /// </summary>
    [JsonStringEnumMemberName("fine-tune")] FineTune,
}
