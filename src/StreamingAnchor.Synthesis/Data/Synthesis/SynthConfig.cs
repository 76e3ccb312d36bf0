using System.Text.Json.Serialization;

namespace StreamingAnchor.Data.Synthesis;

/// <summary>
/// Everything that decides a generated corpus. The same config (seed included) gives byte-identical files; only
/// <see cref="Workers"/> and the folders may change without changing the output.
/// </summary>
public sealed record SynthConfig
{
    public SynthTask Task { get; init; } = SynthTask.Kws;

    /// <summary>Output folder: manifest.jsonl, audio/, streams/, the resumable work folder .work/, and the ownership marker and lock.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// Approximate total audio to generate: <see cref="LongFraction"/> of it as long negative streams, the rest as clips
    /// (a count through <see cref="ClipSeconds"/>).
    /// </summary>
    public double Hours { get; init; } = 0.2;

    /// <summary>Exact number of clips; overrides <see cref="Hours"/> when set (tests and the demo ask for tiny sets).</summary>
    public int? Clips { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Keyword (kws) or trigger phrase (trigger).</summary>
    public string Keyword { get; init; } = "hey jarvis";

    /// <summary>Confusable negatives; null derives them from <see cref="Keyword"/>.</summary>
    public IReadOnlyList<string>? Confusables { get; init; }

    /// <summary>
    /// Which one-phoneme edits of the keyword become near misses (kws, trigger). Left out of the folder's settings
    /// marker at its default, so corpora made before the setting existed keep matching their settings.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public NearMissRule NearMisses { get; init; }

    /// <summary>
    /// Share of keywords (kws) said from an accent-shaped edit of the keyword's phonemes
    /// (<see cref="ConfusableGenerator.AccentVariants"/>) by an English espeak voice of the split, with the prosody drawn
    /// for the keyword: more ways of saying it than the training voices' own readings. Left out of the folder's settings
    /// marker at its default (0), so corpora made before it keep matching.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double KeywordAccents { get; init; }

    /// <summary>Target length of a stream in seconds; the realised length follows the synthesised speech.</summary>
    public double ClipSeconds { get; init; } = 8.0;

    /// <summary>Fraction of kws/trigger streams that contain the keyword or the wearer's trigger phrase.</summary>
    public double PositiveFraction { get; init; } = 0.5;

    /// <summary>Share of clips in train, dev, test (the rest of 1 goes to test).</summary>
    public double TrainFraction { get; init; } = 0.8;

    public double DevFraction { get; init; } = 0.1;

    /// <summary>
    /// Share of <see cref="Hours"/> rendered as long negative streams (<see cref="LongMinSeconds"/> to
    /// <see cref="LongMaxSeconds"/> of speech, music, TV-like mixtures, ambience or near-silence without the keyword);
    /// the rest is clips. Ignored when <see cref="Clips"/> is set (then <see cref="LongStreams"/> counts them).
    /// </summary>
    public double LongFraction { get; init; } = 0.5;

    /// <summary>Exact number of long streams; overrides <see cref="LongFraction"/> (tests ask for a few).</summary>
    public int? LongStreams { get; init; }

    public double LongMinSeconds { get; init; } = 60;

    public double LongMaxSeconds { get; init; } = 180;

    /// <summary>
    /// Share of long-stream audio in train and dev (the rest goes to test). Dev and test get more of it than of the
    /// clips because long negatives are their false-alarm material: with 20 h, 0.5 of it long and 0.5 of that in
    /// test, the test split holds 5 h of long negatives, so 1 FA/h means 5 false alarms.
    /// </summary>
    public double LongTrainFraction { get; init; } = 0.3;

    public double LongDevFraction { get; init; } = 0.2;

    /// <summary>TTS engines to use: espeak, flite, festival. Missing engines are reported and skipped.</summary>
    public IReadOnlyList<string> Engines { get; init; } = ["espeak", "flite", "festival"];

    /// <summary>Real speech and noise sources to use (names from <see cref="RealSourceCatalog"/>); empty uses generated noise only.</summary>
    public IReadOnlyList<string> Sources { get; init; } = RealSourceCatalog.All.Select(s => s.Name).ToList();

    /// <summary>Where Debian packages are downloaded, extracted and decoded.</summary>
    public string SourceCacheDirectory { get; init; } = DefaultSourceCache();

    /// <summary>Signal-to-noise ratio range of the noise bed against the speech, dB.</summary>
    public double MinSnrDb { get; init; } = -5;

    public double MaxSnrDb { get; init; } = 30;

    /// <summary>Probability that a speech item is reverberated with sox reverb, in streams without a simulated room.</summary>
    public double ReverbProbability { get; init; } = 0.3;

    /// <summary>Share of streams in a simulated room (image-source impulse responses for every talker).</summary>
    public double RoomProbability { get; init; } = 0.3;

    /// <summary>Share of streams sent through a telephone band or codec (mu-law, GSM, G.722, MP3, Opus).</summary>
    public double ChannelProbability { get; init; } = 0.15;

    /// <summary>Share of kws and trigger streams with a babble bed of 2-6 talkers.</summary>
    public double BabbleProbability { get; init; } = 0.2;

    /// <summary>Babble level against the stream's speech, dB.</summary>
    public double MinBabbleSnrDb { get; init; } = 0;

    public double MaxBabbleSnrDb { get; init; } = 20;

    /// <summary>Share of positive streams where the keyword's talker speaks on into and/or out of it (0-50 ms gaps).</summary>
    public double AdjacentSpeechProbability { get; init; } = 0.3;

    /// <summary>Share of positive streams with a second talker over the keyword (-10..0 dB against it).</summary>
    public double OverlapProbability { get; init; } = 0.2;

    /// <summary>Peak level of the whole stream after mixing, dBFS (drawn per stream).</summary>
    public double MinGainDbfs { get; init; } = -30;

    public double MaxGainDbfs { get; init; } = 0;

    /// <summary>Parallel workers; does not change the output.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Take over a folder holding files sal synth did not write, or discard a corpus made there with other settings
    /// and start over. Not part of the corpus: it decides only whether the folder may be used.
    /// </summary>
    [JsonIgnore]
    public bool Force { get; init; }

    /// <summary>
    /// Render only this part of the corpus (no manifest; <see cref="CorpusMerger"/> writes it once every part is done).
    /// Not part of the corpus: every part of it, and the unsharded run, make the same files.
    /// </summary>
    [JsonIgnore]
    public SynthShard? Shard { get; init; }

    public static string DefaultSourceCache()
    {
        var env = Environment.GetEnvironmentVariable("STREAMINGANCHOR_SOURCES");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "streaminganchor", "sources");
    }
}
