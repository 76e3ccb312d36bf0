using StreamingAnchor.Data;

namespace StreamingAnchor.Tests.Data;

public sealed class TextBankTests
{
    [Fact]
    public void ConfusablesNeverEqualTheKeyword()
    {
        foreach (var kw in new[] { "hey jarvis", "ok computer", "wake up" })
        {
            var list = TextBank.ConfusablesFor(kw);
            Assert.NotEmpty(list);
            Assert.DoesNotContain(TextBank.CleanText(kw), list);
        }
        Assert.DoesNotContain(TextBank.SentencesAvoiding("hey jarvis"), s => s.Contains("jarvis"));
    }
}
