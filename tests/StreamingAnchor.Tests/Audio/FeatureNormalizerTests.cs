using StreamingAnchor.Audio;

namespace StreamingAnchor.Tests.Audio;

public class FeatureNormalizerTests
{
    [Fact]
    public void FitGivesZeroMeanUnitVarianceAcrossAllClips()
    {
        var rng = new Random(3);
        var clips = Enumerable.Range(0, 4).Select(c =>
        {
            var frames = 50 + (c * 7);
            var data = new float[frames * 3];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (float)((rng.NextDouble() * (1 + (i % 3))) + (10 * (i % 3)));
            }
            return new FeatureMatrix(data, frames, 3);
        }).ToList();

        var norm = FeatureNormalizer.Fit(clips);
        foreach (var m in clips)
        {
            norm.ApplyInPlace(m);
        }

        for (var d = 0; d < 3; d++)
        {
            var values = clips.SelectMany(m => Enumerable.Range(0, m.Frames).Select(t => (double)m[t, d])).ToList();
            var mean = values.Average();
            var std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            Assert.True(Math.Abs(mean) < 1e-4, $"dim {d} mean {mean}");
            Assert.True(Math.Abs(std - 1) < 1e-3, $"dim {d} std {std}");
        }
    }

    [Fact]
    public void ConstantDimensionsAreClampedAndSaveLoadRoundTrips()
    {
        using var dir = new ScratchDir();
        var m = new FeatureMatrix([1f, 5f, 1f, 7f], 2, 2);
        var norm = FeatureNormalizer.Fit([m]);
        Assert.Equal(FeatureNormalizer.MinStd, norm.Std[0]);

        var path = dir.File("normalizer.json");
        norm.Save(path);
        var back = FeatureNormalizer.Load(path);

        Assert.Equal(norm.Mean, back.Mean);
        Assert.Equal(norm.Std, back.Std);
        var frame = new[] { 1f, 8f };
        back.ApplyInPlace(frame);
        Assert.Equal(new[] { 0f, 2f }, frame);
    }

    [Fact]
    public void BadFilesAndShapesGiveClearErrors()
    {
        using var dir = new ScratchDir();
        var path = dir.File("bad.json");
        File.WriteAllText(path, "{\"Mean\":[0,1],\"Std\":[1]}");
        Assert.StartsWith(path + ": ", Assert.Throws<InvalidDataException>(() => FeatureNormalizer.Load(path)).Message);
        File.WriteAllText(path, "not json");
        Assert.StartsWith(path + ": ", Assert.Throws<InvalidDataException>(() => FeatureNormalizer.Load(path)).Message);
        Assert.Throws<ArgumentException>(() => FeatureNormalizer.Identity(3).ApplyInPlace(new float[2]));
        Assert.Throws<ArgumentException>(() => FeatureNormalizer.Fit([]));
    }
}
