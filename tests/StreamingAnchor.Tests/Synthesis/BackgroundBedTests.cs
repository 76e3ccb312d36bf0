using StreamingAnchor.Data.Synthesis;

namespace StreamingAnchor.Tests.Synthesis;

public sealed class BackgroundBedTests
{
    private static readonly RealSource Effects = RealSourceCatalog.All.First(s => s.Kind == RealSourceKind.Noise);

    private static List<RealFile> Files(int n) =>
        Enumerable.Range(0, n).Select(i => new RealFile(Effects, $"fx{i:D3}.ogg", $"/nonexistent/fx{i:D3}.ogg")).ToList();

    /// <summary>One second of a tone whose frequency names the file, so each sample tells which file it came from.</summary>
    private static float[] Tone(RealFile file)
    {
        var k = int.Parse(file.RelativePath.AsSpan(2, 3), System.Globalization.CultureInfo.InvariantCulture);
        return Enumerable.Range(0, SpeechCut.Rate).Select(i => (float)(0.1 * Math.Sin(i * (0.01 + 0.001 * k)))).ToArray();
    }

    [Fact]
    public void FilesAreReadOnlyAsTheStreamNeedsThemInListOrder()
    {
        var files = Files(100);
        var read = new List<string>();
        var bed = BackgroundBed.Sequence(files, 5 * SpeechCut.Rate, new Random(1), f =>
        {
            read.Add(f.RelativePath);
            return Tone(f);
        });
        Assert.NotNull(bed);
        // Five seconds from one-second files (a random offset into the first): six or seven reads, not a hundred.
        Assert.InRange(read.Count, 5, 7);
        Assert.Equal(files.Take(read.Count).Select(f => f.RelativePath), read);
        Assert.True(bed!.Skip(SpeechCut.Rate).All(float.IsFinite));
        Assert.True(bed.Skip(bed.Length - 100).Any(v => v != 0), "the bed reaches the end of the stream");
    }

    [Fact]
    public void AShortListStartsOverWithoutReadingAFileTwice()
    {
        var files = Files(2);
        var reads = new Dictionary<string, int>();
        var bed = BackgroundBed.Sequence(files, 10 * SpeechCut.Rate, new Random(2), f =>
        {
            reads[f.RelativePath] = reads.GetValueOrDefault(f.RelativePath) + 1;
            return Tone(f);
        });
        Assert.NotNull(bed);
        Assert.Equal([1, 1], reads.Values);
        // Every second of the stream is filled (joins overlap by the crossfade, so no stretch of silence).
        for (var s = 0; s < 10; s++)
        {
            var second = bed!.AsSpan(s * SpeechCut.Rate, SpeechCut.Rate).ToArray();
            Assert.True(second.Max(Math.Abs) > 0.5, $"second {s} is silent");
        }
    }

    [Fact]
    public void UnreadableAndSilentFilesAreSkippedAndNoneLeavesNoBed()
    {
        var files = Files(4);
        Assert.Null(BackgroundBed.Sequence(files, SpeechCut.Rate, new Random(3), _ => null));
        Assert.Null(BackgroundBed.Sequence(files, SpeechCut.Rate, new Random(3), _ => new float[SpeechCut.Rate]));
        var used = new List<string>();
        var bed = BackgroundBed.Sequence(files, 3 * SpeechCut.Rate, new Random(3), f =>
        {
            if (f.RelativePath == "fx001.ogg")
            {
                return null;
            }
            used.Add(f.RelativePath);
            return Tone(f);
        });
        Assert.NotNull(bed);
        Assert.DoesNotContain("fx001.ogg", used);
    }
}
