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
            lengths[i] = e.Frames;
            anchors[i] = e.Anchors;
            nearMisses[i] = e.NearMissAnchors;
            ids[i] = e.Id;
        }

        // Rows are copied straight into native tensors: a padded managed array per batch, and the pinned clone
        // torch.tensor makes of it, are two large-object-heap allocations that only full collections free, each as
        // large as the whole padded batch.
        var features = zeros([b, maxFrames, dim], ScalarType.Float32);
        var targets = zeros([b, maxFrames], ScalarType.Int64);
        using (var f = features.data<float>())
        using (var t = targets.data<long>())
        {
            for (var i = 0; i < b; i++)
            {
                f.CopyFrom(examples[i].Features.Data, 0, (long)i * maxFrames * dim);
                t.CopyFrom(examples[i].Targets, 0, (long)i * maxFrames);
            }
        }
        return new Batch(
            features,
            targets,
            tensor(lengths, [b], ScalarType.Int64),
            anchors,
            ids)
        {
            NearMissAnchors = nearMisses,
        };
    }
}
