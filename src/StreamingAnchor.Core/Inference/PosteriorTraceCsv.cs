using System.Globalization;
using System.Text;

namespace StreamingAnchor.Inference;

/// <summary>Per-frame posteriors as CSV: `time_s,posterior` (time = end of the frame), one column per positive class.</summary>
public static class PosteriorTraceCsv
{
    /// <summary>Writes the trace atomically; column names are the class labels when there are several classes.</summary>
    public static void Write(string path, StreamingResult result, Func<long, double> frameEndTime, IReadOnlyList<string>? labels = null)
    {
        var text = new StringBuilder();
        text.Append("time_s");
        for (var c = 0; c < result.Classes; c++)
        {
            text.Append(',').Append(result.Classes == 1 ? "posterior" : $"posterior_{Label(labels, c)}");
        }

        text.Append('\n');
        for (var t = 0; t < result.Frames; t++)
        {
            text.Append(frameEndTime(t).ToString("0.000", CultureInfo.InvariantCulture));
            for (var c = 0; c < result.Classes; c++)
            {
                text.Append(',').Append(result.Posteriors[t * result.Classes + c].ToString("0.######", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Name of positive class index c (0-based), from the labels when they cover it.</summary>
    public static string Label(IReadOnlyList<string>? labels, int c) =>
        labels is not null && c < labels.Count && !string.IsNullOrWhiteSpace(labels[c]) ? labels[c] : (c + 1).ToString(CultureInfo.InvariantCulture);
}
