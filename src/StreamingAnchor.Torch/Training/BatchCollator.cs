using StreamingAnchor.Data;

using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>Pads examples to the longest one: features with 0 (the normalised mean), targets with 0; lengths say what is real.</summary>
public static class BatchCollator
{
    public static Batch Collate(IReadOnlyList<FrameExample> examples)
    {
        if (examples.Count == 0)
        {
            throw new ArgumentException("cannot collate an empty batch");
        }
        var dim = examples[0].Features.Dim;
        var maxFrames = Math.Max(1, examples.Max(e => e.Frames));
        var b = examples.Count;
        var features = new float[(long)b * maxFrames * dim];
        var targets = new long[b * maxFrames];
        var lengths = new long[b];
        var anchors = new double[b][];
        var nearMisses = new double[b][];
        var ids = new string[b];
        for (var i = 0; i < b; i++)
        {
            var e = examples[i];
            if (e.Features.Dim != dim)
            {
                throw new ArgumentException($"example '{e.Id}' has {e.Features.Dim} features per frame, the batch has {dim}");
            }
            if (e.Targets.Length != e.Frames)
            {
                throw new ArgumentException($"example '{e.Id}' has {e.Targets.Length} targets for {e.Frames} frames");
            }
            Array.Copy(e.Features.Data, 0, features, (long)i * maxFrames * dim, e.Features.Data.Length);
            Array.Copy(e.Targets, 0, targets, i * maxFrames, e.Targets.Length);
            lengths[i] = e.Frames;
            anchors[i] = e.Anchors;
            nearMisses[i] = e.NearMissAnchors;
            ids[i] = e.Id;
        }
        return new Batch(
            tensor(features, [b, maxFrames, dim], ScalarType.Float32),
            tensor(targets, [b, maxFrames], ScalarType.Int64),
            tensor(lengths, [b], ScalarType.Int64),
            anchors,
            ids)
        {
            NearMissAnchors = nearMisses,
        };
    }
}
