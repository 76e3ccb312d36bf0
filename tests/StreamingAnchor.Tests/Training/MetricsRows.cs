using System.Text.Json.Nodes;
using StreamingAnchor.Training;

namespace StreamingAnchor.Tests.Training;

/// <summary>A run's metrics.jsonl as resume tests compare it: every field but the wall-clock ones.</summary>
internal static class MetricsRows
{
    /// <summary>
    /// The rows of <paramref name="runDirectory"/>'s metrics.jsonl without their seconds and frames per second, which no
    /// two runs share; everything else (losses, learning rate, dev metric, best flag) must match between a resumed run
    /// and an uninterrupted one.
    /// </summary>
    public static string[] WithoutTimings(string runDirectory) =>
        File.ReadAllLines(Path.Combine(runDirectory, Trainer.MetricsFile)).Select(line =>
        {
            var row = JsonNode.Parse(line)!.AsObject();
            var timings = row.Select(p => p.Key).Where(IsTiming).ToList();
            Assert.Equal(2, timings.Count);
            foreach (var key in timings)
            {
                row.Remove(key);
            }
            Assert.True(row.Count >= 6, $"a metrics row with too little left to compare: {row.ToJsonString()}");
            return row.ToJsonString();
        }).ToArray();

    private static bool IsTiming(string key) =>
        key.Equals("seconds", StringComparison.OrdinalIgnoreCase) || key.Equals("framesPerSecond", StringComparison.OrdinalIgnoreCase);
}
