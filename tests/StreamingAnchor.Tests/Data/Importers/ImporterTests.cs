using StreamingAnchor.Audio;
using StreamingAnchor.Data;
using StreamingAnchor.Data.Importers;
using StreamingAnchor.Tests.Audio;

namespace StreamingAnchor.Tests.Data.Importers;

public class ImporterTests
{
    private static float[] Word(double seconds, double start, double end, int seed = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, (int)(seconds * 16000)).Select(i =>
        {
            var t = i / 16000.0;
            var v = 0.002 * ((rng.NextDouble() * 2) - 1);
            return (float)(t >= start && t < end ? v + (0.3 * Math.Sin(2 * Math.PI * 300 * t)) : v);
        }).ToArray();
    }

    private static void Wav(string path, float[] x)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WavFile.Write(path, x, 16000);
    }

    [Fact]
    public void SpeechCommandsUsesListsEndpointerAndNoiseFolder()
    {
        using var dir = new ScratchDir();
        var root = dir.File("sc");
        Wav(Path.Combine(root, "yes", "aaa_nohash_0.wav"), Word(1, 0.3, 0.7));
        Wav(Path.Combine(root, "yes", "bbb_nohash_0.wav"), Word(1, 0.2, 0.5));
        Wav(Path.Combine(root, "yes", "ccc_nohash_0.wav"), new float[16000]);
        Wav(Path.Combine(root, "no", "aaa_nohash_1.wav"), Word(1, 0.4, 0.9));
        Wav(Path.Combine(root, "_background_noise_", "white.wav"), Word(2, 5, 6));
        File.WriteAllText(Path.Combine(root, "validation_list.txt"), "yes/bbb_nohash_0.wav\n");
        File.WriteAllText(Path.Combine(root, "testing_list.txt"), "no/aaa_nohash_1.wav\n");
        var manifest = dir.File("out/m.jsonl");

        var result = SpeechCommandsImporter.Import(root, manifest);

        Assert.Equal(["no/aaa_nohash_1", "yes/aaa_nohash_0", "yes/bbb_nohash_0"], result.Entries.Select(e => e.Id));
        Assert.Equal(["test", "train", "dev"], result.Entries.Select(e => e.Split));
        var yes = result.Entries[1];
        Assert.Equal(Path.Combine("..", "sc", "yes", "aaa_nohash_0.wav"), yes.Audio);
        var ev = Assert.Single(yes.Events);
        Assert.Equal("yes", ev.Label);
        Assert.InRange(ev.Start, 0.28, 0.32);
        Assert.InRange(ev.End, 0.68, 0.72);
        Assert.Equal("aaa", yes.Meta!["speaker"]);
        Assert.Contains("ccc_nohash_0.wav: no speech found", Assert.Single(result.Skipped));
        Assert.Equal(2.0, Assert.Single(result.Noise).Duration);
        Assert.Single(SpeechCommandsImporter.Import(root, manifest, ["no"]).Entries);
        Assert.Throws<DirectoryNotFoundException>(() => SpeechCommandsImporter.Import(root, manifest, ["maybe"]));
    }

    [Fact]
    public void KaldiSegmentsSpeakersAndCtmKeywords()
    {
        using var dir = new ScratchDir();
        var data = dir.File("data/train");
        Directory.CreateDirectory(data);
        Wav(dir.File("wav/r1.wav"), new float[16000 * 4]);
        Wav(dir.File("wav/r2.wav"), new float[16000 * 2]);
        File.WriteAllText(Path.Combine(data, "wav.scp"), $"r1 {dir.File("wav/r1.wav")}\nr2 ../../wav/r2.wav\nr3 sox x.flac -t wav - |\n");
        File.WriteAllText(Path.Combine(data, "segments"), "u1 r1 0.5 1.5\nu2 r1 2.0 3.5\n");
        File.WriteAllText(Path.Combine(data, "utt2spk"), "u1 spkA\nu2 spkA\nr2 spkB\n");
        File.WriteAllText(Path.Combine(data, "text"), "u1 hello there\nu2 hey sal stop\nr2 nothing here\n");
        var ctm = dir.File("words.ctm");
        File.WriteAllText(ctm, "u2 1 0.10 0.30 hey\nu2 1 0.40 0.05 <eps>\nu2 1 0.45 0.35 sal\nu2 1 0.90 0.30 stop\nr2 1 0.2 0.3 hey\n");

        var result = KaldiDataImporter.Import(data, dir.File("m.jsonl"), new KaldiImportOptions { CtmPath = ctm, Keyword = "hey sal" });

        Assert.Contains("r3", Assert.Single(result.Skipped));
        var r1 = result.Entries.Single(e => e.Id == "r1");
        Assert.Equal(4.0, r1.Duration);
        Assert.Equal([("speech", 0.5, 1.5), ("speech", 2.0, 3.5), ("hey_sal", 2.1, 2.8)],
            r1.Events.Select(e => (e.Label, e.Start, e.End)));
        Assert.Equal(3, r1.Events.Count);
        Assert.Contains(r1.Events, e => e is { Label: "hey_sal", Start: 2.1, End: 2.8 });
        Assert.Equal("spkA", r1.Meta!["speaker"]);
        var r2 = result.Entries.Single(e => e.Id == "r2");
        Assert.Empty(r2.Events);
        Assert.Equal("nothing here", r2.Meta!["text"]);
        Assert.Equal(Path.Combine("wav", "r2.wav"), r2.Audio);

        File.WriteAllText(Path.Combine(data, "segments"), "u1 r1 0.5\n");
        Assert.Contains("segments:1: expected at least 4 fields", Assert.Throws<InvalidDataException>(() => KaldiDataImporter.Import(data, dir.File("m.jsonl"))).Message);
    }

    private const string LongTextGrid = """
        File type = "ooTextFile"
        Object class = "TextGrid"

        xmin = 0
        xmax = 2.0
        tiers? <exists>
        size = 2
        item []:
            item [1]:
                class = "IntervalTier"
                name = "words"
                xmin = 0
                xmax = 2.0
                intervals: size = 5
                intervals [1]:
                    xmin = 0
                    xmax = 0.3
                    text = ""
                intervals [2]:
                    xmin = 0.3
                    xmax = 0.55
                    text = "Hey"
                intervals [3]:
                    xmin = 0.55
                    xmax = 0.6
                    text = "sp"
                intervals [4]:
                    xmin = 0.6
                    xmax = 1.0
                    text = "SAL"
                intervals [5]:
                    xmin = 1.0
                    xmax = 2.0
                    text = "today"
            item [2]:
                class = "IntervalTier"
                name = "phones"
                xmin = 0
                xmax = 2.0
                intervals: size = 1
                intervals [1]:
                    xmin = 0
                    xmax = 2.0
                    text = "HH"
        """;

    private const string ShortTextGrid = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\n0\n2.0\n<exists>\n1\n\"IntervalTier\"\n\"words\"\n0\n2.0\n3\n0\n0.5\n\"\"\n0.5\n0.9\n\"hello\"\n0.9\n2.0\n\"\"\n";

    [Fact]
    public void TextGridLongAndShortFormsGiveKeywordEvents()
    {
        using var dir = new ScratchDir();
        Wav(dir.File("audio/spk1/a.wav"), new float[32000]);
        Wav(dir.File("audio/spk1/b.wav"), new float[32000]);
        Wav(dir.File("audio/spk2/c.wav"), new float[32000]);
        Directory.CreateDirectory(dir.File("aligned/spk1"));
        File.WriteAllText(dir.File("aligned/spk1/a.TextGrid"), LongTextGrid);
        File.WriteAllText(dir.File("aligned/spk1/b.TextGrid"), ShortTextGrid);

        var result = AlignmentImporter.FromTextGrids(dir.File("audio"), dir.File("aligned"), dir.File("m.jsonl"),
            new AlignmentImportOptions { Keyword = "hey sal", SpeechLabel = "speech" });

        Assert.Equal(["spk1/a", "spk1/b"], result.Entries.Select(e => e.Id));
        var a = result.Entries[0];
        Assert.Equal([("hey_sal", 0.3, 1.0), ("speech", 0.3, 2.0)], a.Events.Select(e => (e.Label, e.Start, e.End)));
        Assert.Equal("Hey SAL today", a.Meta!["text"]);
        Assert.Equal([("speech", 0.5, 0.9)], result.Entries[1].Events.Select(e => (e.Label, e.Start, e.End)));
        Assert.Contains("c.wav: no TextGrid", Assert.Single(result.Skipped));
        Assert.Equal(["words", "phones"], TextGridReader.TierNames(dir.File("aligned/spk1/a.TextGrid")));

        var only = AlignmentImporter.FromTextGrids(dir.File("audio"), dir.File("aligned"), dir.File("m.jsonl"),
            new AlignmentImportOptions { Keyword = "hey sal", OnlyWithKeyword = true });
        Assert.Equal(["spk1/a"], only.Entries.Select(e => e.Id));
    }

    [Fact]
    public void BadTextGridsAndCtmLinesAreNamed()
    {
        using var dir = new ScratchDir();
        var tg = dir.File("x.TextGrid");
        File.WriteAllText(tg, LongTextGrid);
        Assert.Contains("no tier named 'word'", Assert.Throws<InvalidDataException>(() => TextGridReader.ReadTier(tg, "word")).Message);
        File.WriteAllText(tg, LongTextGrid[..(LongTextGrid.Length / 2)]);
        Assert.StartsWith(tg + ": ", Assert.Throws<InvalidDataException>(() => TextGridReader.ReadTier(tg)).Message);
        File.WriteAllText(tg, "hello");
        Assert.Contains("not a Praat TextGrid", Assert.Throws<InvalidDataException>(() => TextGridReader.ReadTier(tg)).Message);

        var ctm = dir.File("x.ctm");
        File.WriteAllText(ctm, "u1 1 0.1 0.2 hey\nu1 1 abc 0.2 sal\n");
        Assert.StartsWith(ctm + ":2: ", Assert.Throws<InvalidDataException>(() => CtmReader.Read(ctm)).Message);
    }

    [Fact]
    public void CtmImportMapsUtterancesToWavFiles()
    {
        using var dir = new ScratchDir();
        Wav(dir.File("audio/u1.wav"), new float[16000]);
        Wav(dir.File("audio/u2.wav"), new float[16000]);
        File.WriteAllText(dir.File("a.ctm"), "u1 1 0.20 0.20 okay\nu1 1 0.45 0.30 robot\nu2 1 0.1 0.2 robot\n");

        var result = AlignmentImporter.FromCtm(dir.File("a.ctm"), dir.File("audio"), dir.File("m.jsonl"),
            new AlignmentImportOptions { Keyword = "okay robot", KeywordLabel = "wake" });

        Assert.Equal([("wake", 0.2, 0.75)], result.Entries[0].Events.Select(e => (e.Label, e.Start, e.End)));
        Assert.Empty(result.Entries[1].Events);
    }

    [Fact]
    public void SplitAssignmentIsDeterministicAndProportional()
    {
        var s = new SplitAssigner(0.2, 0.1);
        var splits = Enumerable.Range(0, 2000).Select(i => s.Assign($"spk{i}")).ToList();
        Assert.Equal(splits, Enumerable.Range(0, 2000).Select(i => s.Assign($"spk{i}")));
        Assert.InRange(splits.Count(x => x == "dev"), 320, 480);
        Assert.InRange(splits.Count(x => x == "test"), 140, 260);
        Assert.Equal("train", new SplitAssigner().Assign("x"));
    }

    [Fact]
    public void CliImportsSpeechCommandsAndTheResultPassesCheck()
    {
        using var dir = new ScratchDir();
        var root = dir.File("sc");
        Wav(Path.Combine(root, "go", "aaa_nohash_0.wav"), Word(1, 0.3, 0.7));
        Wav(Path.Combine(root, "go", "bbb_nohash_0.wav"), Word(1, 0.2, 0.6));
        Wav(Path.Combine(root, "_background_noise_", "n.wav"), Word(1, 0.1, 0.9));
        var manifest = dir.File("m.jsonl");

        var import = SalProcess.Run("data", "import", "speech-commands", root, "--out", manifest);

        Assert.Equal(0, import.ExitCode);
        Assert.Contains("wrote 2 clips", import.Stdout);
        Assert.Contains("wrote 1 noise recordings", import.Stdout);
        Assert.Equal(2, Manifest.Load(manifest).Entries.Count);
        Assert.Single(Manifest.Load(dir.File("noise.jsonl")).Entries);
        var check = SalProcess.Run("data", "check", manifest);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("2 valid clips", check.Stdout);
        var bad = SalProcess.Run("data", "import", "kaldi", dir.File("nowhere"), "--out", manifest);
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("error: ", bad.Stderr);
    }
}
