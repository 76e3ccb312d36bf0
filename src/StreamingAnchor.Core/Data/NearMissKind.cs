using System.Text.Json.Serialization;

namespace StreamingAnchor.Data;

/// <summary>
/// How a near miss differs from its keyword (<see cref="NearMissSpan.Kind"/>, <c>meta.near_miss_kind</c>), so false
/// alarms can be told apart by where the difference lies: a detector that fires before the keyword's end cannot hear
/// an edit there.
/// </summary>
public enum NearMissKind
{
    /// <summary>"edit-end": one phoneme edited at the keyword's last phoneme or inserted after it ("hey jarvi", "hey jarviz").</summary>
    [JsonStringEnumMemberName("edit-end")] EditAtEnd,

    /// <summary>"edit-inside": one phoneme edited anywhere earlier ("rhey jarvis", "hey jarfis").</summary>
    [JsonStringEnumMemberName("edit-inside")] EditInside,

    /// <summary>"last-word": the keyword's last word alone ("jarvis").</summary>
    [JsonStringEnumMemberName("last-word")] LastWord,

    /// <summary>"word": another word of the keyword alone ("hey").</summary>
    [JsonStringEnumMemberName("word")] OtherWord,

    /// <summary>"phrase": any other confusable text: rhymes, the user's list ("hey travis").</summary>
    [JsonStringEnumMemberName("phrase")] Phrase,
}
