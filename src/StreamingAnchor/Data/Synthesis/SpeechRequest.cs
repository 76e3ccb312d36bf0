using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// One utterance to synthesise. Speed (&gt;1 faster) and pitch factor are rounded to 3 decimals so that the cache key
/// and the engine arguments agree.
/// </summary>
public sealed record SpeechRequest
{
    public SpeechRequest(Voice voice, string text, double speed, double pitch)
    {
        Voice = voice;
        Text = CleanText(text);
        Speed = Math.Round(speed, 3);
        Pitch = Math.Round(pitch, 3);
    }

    public Voice Voice { get; }
    public string Text { get; }
    public double Speed { get; }
    public double Pitch { get; }

    /// <summary>Content hash naming the cached utterance.</summary>
    public string CacheKey
    {
        get
        {
            var s = string.Create(CultureInfo.InvariantCulture, $"{Voice.Id}|{Text}|{Speed:F3}|{Pitch:F3}");
            return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(s)))[..20];
        }
    }

    /// <summary>Keeps letters, digits and plain punctuation, so text is safe on a command line and in a Scheme string.</summary>
    public static string CleanText(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is ' ' or ',' or '.' or '?' or '!' or '\'' or '-' ? c : ' ');
        }
        return string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
