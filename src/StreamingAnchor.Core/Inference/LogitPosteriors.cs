namespace StreamingAnchor.Inference;

/// <summary>
/// Frame logits to posteriors of the positive classes, without libtorch (the ONNX path uses it too):
/// C = 1 is a sigmoid, C >= 2 a softmax whose classes 1..C-1 are reported (0 is background).
/// </summary>
public static class LogitPosteriors
{
    public static int PositiveClasses(int numClasses) => numClasses == 1 ? 1 : numClasses - 1;

    /// <summary>Rows [frames, C] of logits to rows [frames, PositiveClasses] of posteriors.</summary>
    public static float[] Compute(ReadOnlySpan<float> logits, int numClasses)
    {
        if (numClasses < 1 || logits.Length % numClasses != 0)
        {
            throw new ArgumentException($"{logits.Length} logits do not form rows of {numClasses} classes");
        }

        var frames = logits.Length / numClasses;
        var k = PositiveClasses(numClasses);
        var result = new float[frames * k];
        for (var t = 0; t < frames; t++)
        {
            var row = logits.Slice(t * numClasses, numClasses);
            if (numClasses == 1)
            {
                result[t] = (float)(1.0 / (1.0 + Math.Exp(-row[0])));
                continue;
            }

            var max = double.NegativeInfinity;
            foreach (var v in row)
            {
                max = Math.Max(max, v);
            }

            var sum = 0.0;
            foreach (var v in row)
            {
                sum += Math.Exp(v - max);
            }

            for (var c = 1; c < numClasses; c++)
            {
                result[t * k + c - 1] = (float)(Math.Exp(row[c] - max) / sum);
            }
        }

        return result;
    }
}
