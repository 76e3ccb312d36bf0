namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>Clips and hours of audio per split of the manifest a grid ran on.</summary>
public sealed record DataSummary(string Manifest, int TrainClips, double TrainHours, int DevClips, double DevHours, int TestClips, double TestHours)
{
    public static DataSummary Of(string manifestPath)
    {
        var m = Data.Manifest.Load(manifestPath);
        var train = m.Split("train");
        var dev = m.Split("dev");
        var test = m.Split("test");
        return new DataSummary(manifestPath, train.Count, train.Sum(e => e.Duration) / 3600, dev.Count, dev.Sum(e => e.Duration) / 3600,
            test.Count, test.Sum(e => e.Duration) / 3600);
    }
}
