using StreamingAnchor.Data;
using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

/// <summary>Keywords said from accent-shaped phoneme strings (<see cref="SynthConfig.KeywordAccents"/>).</summary>
public sealed class KeywordAccentTests
{
    private static readonly string[] Accents = ["h'eI dZ'@vIs", "h'eI dZ'A@rvIs"];

    /// <summary>Per split: four recorded-like keyword voices and two English espeak voices that speak phonemes.</summary>
    private static Dictionary<string, SplitPool> Pools()
    {
        var pools = SplitAssigner.Splits.ToDictionary(s => s, _ => new SplitPool());
        foreach (var (split, pool) in pools)
        {
            foreach (var i in Enumerable.Range(0, 4))
            {
                pool.Add(new Voice(TtsEngineKind.Flite, $"{split}{i}", $"{split}{i}"), saysKeyword: true, speaksPhonemes: false);
            }
            foreach (var i in Enumerable.Range(0, 2))
            {
                pool.Add(new Voice(TtsEngineKind.Espeak, $"gmw/en+{split}{i}", $"en-{split}{i}", "gmw/en"), saysKeyword: true, speaksPhonemes: true);
            }
            pool.Generated.Add((NoiseColor.Pink, 0));
        }
        return pools;
    }

    private static List<ClipPlan> Plan(double share, IReadOnlyList<string>? accents) =>
        new CorpusPlanner(new SynthConfig { OutputDirectory = "unused", Clips = 80, Seed = 5, PositiveFraction = 1, Sources = [], KeywordAccents = share },
            Pools(), keywordAccents: accents).Plan().ToList();

    private static IEnumerable<PlannedItem> Keywords(IEnumerable<ClipPlan> plans) => plans.SelectMany(p => p.Items).Where(i => i.Kind == ItemKind.Keyword);

    [Fact]
    public void AShareOfTheKeywordsIsSaidFromAnAccentByAnEnglishVoiceOfItsSplitAndNothingElseMoves()
    {
        var plain = Plan(0, null);
        var accented = Plan(0.4, Accents);
        var keywords = Keywords(accented).ToList();
        var changed = keywords.Where(k => k.Tts!.IsPhonemes).ToList();
        Assert.InRange(changed.Count, keywords.Count * 2 / 10, keywords.Count * 6 / 10);
        Assert.All(changed, k => Assert.Contains(k.Tts!.Text, Accents));
        Assert.Equal(Accents.Order(), changed.Select(k => k.Tts!.Text).Distinct().Order());
        Assert.All(changed, k => Assert.Equal(TtsEngineKind.Espeak, k.Tts!.Voice.Engine));
        Assert.All(keywords.Where(k => !k.Tts!.IsPhonemes), k => Assert.Equal("hey jarvis", k.Tts!.Text.Replace(",", "")));
        // Each accented keyword's voice is an English voice of the stream's split.
        foreach (var plan in accented)
        {
            Assert.All(Keywords([plan]).Where(k => k.Tts!.IsPhonemes), k => Assert.EndsWith(plan.Split + k.Tts!.Voice.Name[^1..], k.Tts!.Voice.Name));
        }
        // The decision takes no draw from a stream's generator: the same streams, items and noise (draws that depend
        // on the keyword's voice, such as a second talker's, may differ).
        Assert.Equal(plain.Select(p => (p.Id, p.Split, p.Items.Count, p.Noise)), accented.Select(p => (p.Id, p.Split, p.Items.Count, p.Noise)));
        // At share 0 the list changes nothing; at share 1 every keyword is accented.
        Assert.Equal(Keywords(plain).Select(k => k.Tts), Keywords(Plan(0, Accents)).Select(k => k.Tts));
        Assert.All(Keywords(Plan(1, Accents)), k => Assert.True(k.Tts!.IsPhonemes));
    }

    [SkippableFact]
    public void TheAccentVariantsHaveTheKeywordsShapeAndAreNeverNearMisses()
    {
        Skip.If(!ToolRunner.Exists("espeak-ng"), "espeak-ng not installed (scripts/setup.sh installs it)");
        var references = ConfusableGenerator.AccentReferences("hey jarvis");
        var accents = ConfusableGenerator.AccentVariants("hey jarvis", 1, 40);
        Assert.Equal(40, accents.Count);
        Assert.All(ConfusableGenerator.Ipa(accents), ipa => Assert.True(IpaSkeleton.Matches(ipa, references), ipa));
        Assert.Empty(accents.Intersect(ConfusableGenerator.NearMisses("hey jarvis", 1, 40, NearMissRule.NotAnAccent)));
        Assert.Equal(accents, ConfusableGenerator.AccentVariants("hey jarvis", 1, 40));
    }
}
