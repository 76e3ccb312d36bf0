using System.Text;

namespace StreamingAnchor.Data;

/// <summary>
/// Texts for the TTS: everyday sentences for background speech and onsets, and confusable phrases for a keyword.
/// Sentences that contain the keyword's words are filtered out by the planner.
/// </summary>
public static class TextBank
{
    public static readonly IReadOnlyList<string> Sentences =
    [
        "the weather is nice today",
        "could you pass me the salt please",
        "i will be home in about twenty minutes",
        "turn left at the next traffic light",
        "my phone battery is almost empty",
        "we should leave before it starts raining",
        "the meeting has been moved to thursday",
        "how much does this cost",
        "she bought fresh bread at the market",
        "please close the window it is cold",
        "the train to the city leaves at nine",
        "i cannot find my keys anywhere",
        "let us meet at the coffee shop",
        "the children are playing in the garden",
        "what time does the store open tomorrow",
        "he forgot his umbrella at the office",
        "the soup needs a little more pepper",
        "can you hear the music from next door",
        "my brother lives on the other side of town",
        "the report is due at the end of the week",
        "a cup of tea would be lovely",
        "the dog barked at the delivery van",
        "we watched an old film last night",
        "remind me to call the dentist",
        "the printer is out of paper again",
        "this road is closed for repairs",
        "i think we are going the wrong way",
        "the museum is free on sundays",
        "do you want to order some pizza",
        "the flight was delayed by two hours",
        "put the milk back in the fridge",
        "my favourite colour is green",
        "the bus was full this morning",
        "she plays the piano every evening",
        "they are painting the kitchen walls",
        "the lecture starts in five minutes",
        "water the plants while i am away",
        "the baby finally fell asleep",
        "our team won the match on saturday",
        "the library closes early on fridays",
        "i left the laptop charger at work",
        "it is too loud in here to talk",
        "the cake needs another ten minutes",
        "we ran out of coffee again",
        "open the door for the neighbours",
        "the garden looks beautiful in spring",
        "he is learning to ride a bicycle",
        "the bill comes to forty two pounds",
        "please speak a little more slowly",
        "the snow made the roads very slippery",
        "let me check my calendar first",
        "the hotel room had a view of the sea",
        "she sent the parcel yesterday afternoon",
        "the film was much better than the book",
        "i need to buy new running shoes",
        "the car wash is around the corner",
        "call me when you get to the station",
        "the lights in the hallway are flickering",
        "they moved to a smaller flat last year",
        "the answer is on page thirty seven",
        "set the table for six people",
        "the shop sells old maps and postcards",
        "we planted tomatoes along the fence",
        "the concert was sold out in minutes",
        "my sister works at the hospital",
        "the kettle has just boiled",
        "there is a long queue at the bakery",
        "the wind blew the leaves across the yard",
        "do not forget to bring your passport",
        "the radio said it will be sunny",
    ];

    /// <summary>Confusables for "hey jarvis" (the default keyword): near rhymes, parts and the keyword's words alone.</summary>
    private static readonly IReadOnlyList<string> HeyJarvis =
    [
        "hey travis", "jarvis", "hey jar", "hey", "hey marvin", "hey charles", "harvest", "hey jarvey",
        "jar of peas", "hey service", "a jarring voice", "hey davis", "play jazz", "hey jasmine",
    ];

    private static readonly string[] Onsets = ["t", "m", "d", "p", "n", "b", "h", "ch"];

    /// <summary>Confusable phrases for a keyword: its words alone, a truncated last word, and onset swaps of the last word.</summary>
    public static IReadOnlyList<string> ConfusablesFor(string keyword)
    {
        var kw = CleanText(keyword).ToLowerInvariant();
        if (kw == "hey jarvis")
        {
            return HeyJarvis;
        }
        var words = kw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var list = new List<string>();
        if (words.Length > 1)
        {
            list.AddRange(words);
        }
        var last = words[^1];
        var head = string.Join(' ', words[..^1]);
        if (last.Length > 4)
        {
            list.Add((head + " " + last[..3]).Trim());
        }
        var vowel = last.IndexOfAny(['a', 'e', 'i', 'o', 'u', 'y']);
        if (vowel >= 0)
        {
            foreach (var onset in Onsets)
            {
                var swapped = onset + last[vowel..];
                if (swapped != last)
                {
                    list.Add((head + " " + swapped).Trim());
                }
            }
        }
        return list.Where(c => c != kw).Distinct().ToList();
    }

    /// <summary>Sentences that share no word with the keyword, so background speech never says it.</summary>
    public static IReadOnlyList<string> SentencesAvoiding(string keyword)
    {
        var kwWords = CleanText(keyword).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 2).ToHashSet();
        return Sentences.Where(s => !s.Split(' ').Any(kwWords.Contains)).ToList();
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
