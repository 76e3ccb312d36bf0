using StreamingAnchor.Data;
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
        // Each near miss's kind is where what espeak says differs from the keyword; both kinds occur.
        var withKinds = ConfusableGenerator.PhonemeNearMisses("hey jarvis", 11, 24);
        Assert.Equal(misses, withKinds.Select(c => c.Text));
        foreach (var c in withKinds)
        {
            Assert.True(c.IsPhonemes);
            Assert.Equal(ConfusableGenerator.KindOf([keyword], [ReadBack(c.Text)]), c.Kind);
        }
        Assert.Equal([NearMissKind.EditAtEnd, NearMissKind.EditInside], withKinds.Select(c => c.Kind).Distinct().Order());
        Assert.Equal(misses, ConfusableGenerator.NearMisses("hey jarvis", 11, 24));
        Assert.NotEqual(misses, ConfusableGenerator.NearMisses("hey jarvis", 12, 24));
    }

    [SkippableFact]
    public void NotAnAccentLeavesOutTheEditsAKeywordVoiceCouldSayAndKeepsOnePhonemeEditsOfEveryKind()
    {
        Skip.If(!ToolRunner.Exists("espeak-ng"), "espeak-ng not installed (scripts/setup.sh installs it)");
        var references = ConfusableGenerator.AccentReferences("hey jarvis");
        Assert.True(references.Count >= 2, $"English accents found: {references.Count}");
        // Under the old rule some near misses have the keyword's shape (a changed vowel, an h dropped, an r added):
        // without that the test below could not fail.
        var any = ConfusableGenerator.NearMisses("hey jarvis", 1, 40);
        Assert.Contains(ConfusableGenerator.Ipa(any), ipa => IpaSkeleton.Matches(ipa, references));
        var (kwPhonemes, _) = EspeakEngine.Phonemize(ConfusableGenerator.PhonemeVoice, "hey jarvis", ipa: false);
        var keyword = ReadBack(kwPhonemes!);
        var safe = ConfusableGenerator.NearMisses("hey jarvis", 1, 40, NearMissRule.NotAnAccent);
        Assert.Equal(40, safe.Count);
        Assert.DoesNotContain(ConfusableGenerator.Ipa(safe), ipa => IpaSkeleton.Matches(ipa, references));
        Assert.All(safe, m => Assert.Equal(1, EditDistance(keyword, ReadBack(m))));
        Assert.Equal([-1, 0, 1], safe.Select(m => ReadBack(m).Count - keyword.Count).Distinct().Order());
        // The default rule's list is unchanged by the other's existence, and the rule reaches the corpus's list.
        Assert.Equal(any, ConfusableGenerator.NearMisses("hey jarvis", 1, 40, NearMissRule.AnyEdit));
        Assert.Equal(safe, ConfusableGenerator.For("hey jarvis", null, 1, withPhonemes: true, rule: NearMissRule.NotAnAccent)
            .Where(c => c.IsPhonemes).Select(c => c.Text));
    }

    [Fact]
    public void TheNearMissRuleEntersACorpussSettingsOnlyWhenItIsNotTheDefault()
    {
        // Corpora made before the rule existed recorded no such setting; at the default they must still match theirs.
        var before = CorpusFolder.Fingerprint(new SynthConfig { OutputDirectory = "a" });
        Assert.False(before.ContainsKey("nearMisses"));
        var after = CorpusFolder.Fingerprint(new SynthConfig { OutputDirectory = "a", NearMisses = NearMissRule.NotAnAccent });
        Assert.Equal("not-an-accent", after["nearMisses"]!.GetValue<string>());
    }

    [SkippableFact]
    public void ConfusablesHoldNearMissesWordsAloneAndTheUsersList()
    {
        Skip.If(!ToolRunner.Exists("espeak-ng"), "espeak-ng not installed (scripts/setup.sh installs it)");
        var list = ConfusableGenerator.For("hey jarvis", ["hey marvin", "hey jarvis"], 1, withPhonemes: true, nearMisses: 8);
        Assert.Equal(8, list.Count(c => c.IsPhonemes));
        Assert.Contains(new Confusable("hey", false, NearMissKind.OtherWord), list);
        Assert.Contains(new Confusable("jarvis", false, NearMissKind.LastWord), list);
        Assert.Contains(new Confusable("hey marvin", false, NearMissKind.Phrase), list);
        Assert.DoesNotContain(list, c => c.Text == "hey jarvis");
    }

    // "hey jarvis" as espeak writes it: h'eI dZ'A@vIs, seven phonemes.
    private static readonly string[][] HeyJarvis = [["h", "'eI"], ["dZ", "'A@", "v", "I", "s"]];

    [Theory]
    [InlineData("h 'eI|dZ 'A@ v I", NearMissKind.EditAtEnd)]            // "hey jarvi": the last phoneme dropped
    [InlineData("h 'eI|dZ 'A@ v I z", NearMissKind.EditAtEnd)]          // "hey jarviz": the last substituted
    [InlineData("h 'eI|dZ 'A@ v I s OI", NearMissKind.EditAtEnd)]       // "hey jarvisoi": one inserted after it
    [InlineData("h 'eI|dZ 'A@ v I @ s", NearMissKind.EditAtEnd)]        // one inserted before the last: the prefix is n - 1
    [InlineData("h ,eI|dZ A@ v I z", NearMissKind.EditAtEnd)]           // stress marks do not count
    [InlineData("h 'eI dZ|'A@ v I z", NearMissKind.EditAtEnd)]          // nor where the words break
    [InlineData("r h 'eI|dZ 'A@ v I s", NearMissKind.EditInside)]       // "rhey jarvis": one inserted first
    [InlineData("h 'eI|dZ 'A@ f I s", NearMissKind.EditInside)]         // "hey jarfis": one substituted inside
    [InlineData("h 'eI|dZ 'A@ v s", NearMissKind.EditInside)]           // the second-to-last dropped
    [InlineData("'eI|dZ 'A@ v I s", NearMissKind.EditInside)]           // the first dropped
    public void APhonemeNearMissIsAnEditAtTheEndWhenTheKeywordsPhonemesButTheLastComeFirst(string nearMiss, NearMissKind kind)
    {
        var words = nearMiss.Split('|').Select(w => w.Split(' ')).ToArray();
        Assert.Equal(kind, ConfusableGenerator.KindOf(HeyJarvis, words));
    }

    [Theory]
    [InlineData("jarvis", NearMissKind.LastWord)]
    [InlineData("Jarvis!", NearMissKind.LastWord)]
    [InlineData("hey", NearMissKind.OtherWord)]
    [InlineData("HEY,", NearMissKind.OtherWord)]
    [InlineData("hey travis", NearMissKind.Phrase)]
    [InlineData("hey jar", NearMissKind.Phrase)]
    [InlineData("jar", NearMissKind.Phrase)]
    public void ATextConfusableIsTheLastWordAnotherWordOrAPhrase(string text, NearMissKind kind) =>
        Assert.Equal(kind, ConfusableGenerator.KindOfText("Hey Jarvis", text));

    [Fact]
    public void WithoutEspeakTheTextConfusablesHaveTheirKinds()
    {
        var list = ConfusableGenerator.For("ok computer", ["ok commuter"], 1, withPhonemes: false);
        Assert.Equal(
            [new Confusable("ok", false, NearMissKind.OtherWord), new Confusable("computer", false, NearMissKind.LastWord),
             new Confusable("ok commuter", false, NearMissKind.Phrase)],
            list);
    }
}
