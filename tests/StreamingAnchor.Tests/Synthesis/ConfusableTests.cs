using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

/// <summary>Confusable negatives generated from the keyword's phonemes.</summary>
public sealed class ConfusableTests
{
    private static List<string> ReadBack(string phonemes) =>
        ToolRunner.RunChecked("espeak-ng", ["-q", "-x", "--sep=_", "-v", ConfusableGenerator.PhonemeVoice, "--", $"[[{phonemes}]]"]).StdoutText
            .Split([' ', '_', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.TrimStart('\'', ',', '%', '=')).ToList();

    private static int EditDistance(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var d = new int[a.Count + 1, b.Count + 1];
        for (var i = 0; i <= a.Count; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Count; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }
        return d[a.Count, b.Count];
    }

    [SkippableFact]
    public void NearMissesAreOnePhonemeFromTheKeywordAndNeverIt()
    {
        Skip.If(!ToolRunner.Exists("espeak-ng"), "espeak-ng not installed (scripts/setup.sh installs it)");
        var (kwPhonemes, _) = EspeakEngine.Phonemize(ConfusableGenerator.PhonemeVoice, "hey jarvis", ipa: false);
        var keyword = ReadBack(kwPhonemes!);
        var misses = ConfusableGenerator.NearMisses("hey jarvis", 11, 24);
        Assert.Equal(24, misses.Count);
        Assert.Equal(misses.Count, misses.Distinct().Count());
        var kinds = new HashSet<int>();
        foreach (var m in misses)
        {
            var spoken = ReadBack(m);
            Assert.Equal(1, EditDistance(keyword, spoken));
            Assert.NotEqual(keyword, spoken);
            kinds.Add(spoken.Count - keyword.Count);
        }
        // Substitutions, drops and insertions all occur.
        Assert.Equal([-1, 0, 1], kinds.Order());
        Assert.Equal(misses, ConfusableGenerator.NearMisses("hey jarvis", 11, 24));
        Assert.NotEqual(misses, ConfusableGenerator.NearMisses("hey jarvis", 12, 24));
    }

    [SkippableFact]
    public void ConfusablesHoldNearMissesWordsAloneAndTheUsersList()
    {
        Skip.If(!ToolRunner.Exists("espeak-ng"), "espeak-ng not installed (scripts/setup.sh installs it)");
        var list = ConfusableGenerator.For("hey jarvis", ["hey marvin", "hey jarvis"], 1, withPhonemes: true, nearMisses: 8);
        Assert.Equal(8, list.Count(c => c.IsPhonemes));
        Assert.Contains(new Confusable("hey", false), list);
        Assert.Contains(new Confusable("jarvis", false), list);
        Assert.Contains(new Confusable("hey marvin", false), list);
        Assert.DoesNotContain(list, c => c.Text == "hey jarvis");
    }
}
