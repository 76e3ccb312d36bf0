using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// The checked, CPU-side view of one loss call: sizes, valid lengths and targets (row-major [B,T]), with a one-line
/// ArgumentException for every malformed input (shape, dtype, length outside [0,T], target outside the classes,
/// anchor that is NaN or infinite, missing anchor list).
/// </summary>
internal sealed class LossInputs
{
    private LossInputs(int batch, int frames, int classes, long[] lengths, long[] targets, bool paddingTargetsInRange)
    {
        Batch = batch;
        Frames = frames;
        Classes = classes;
        Lengths = lengths;
        Targets = targets;
        PaddingTargetsInRange = paddingTargetsInRange;
        foreach (var length in lengths)
        {
            ValidFrames += length;
        }
    }

    public int Batch { get; }
    public int Frames { get; }

    /// <summary>C, the logits' last dimension (1 = sigmoid).</summary>
    public int Classes { get; }

    /// <summary>Number of target values: 2 for a one-logit binary model, else C.</summary>
    public int TargetClasses => Math.Max(Classes, 2);

    public long[] Lengths { get; }
    public long[] Targets { get; }
    public long ValidFrames { get; }

    /// <summary>True when padding frames already hold valid class indices (the targets tensor can be used as is).</summary>
    public bool PaddingTargetsInRange { get; }

    public bool IsValid(int b, int t) => t < Lengths[b];

    public static LossInputs Read(Tensor logits, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors, double[]? classWeights)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(anchors);
        if (logits.dim() != 3)
        {
            throw new ArgumentException($"logits must be [B,T,C], got [{string.Join(",", logits.shape)}]");
        }
        if (!logits.is_floating_point())
        {
            throw new ArgumentException($"logits must be floating point, got {logits.dtype}");
        }
        var batch = (int)logits.shape[0];
        var frames = (int)logits.shape[1];
        var classes = (int)logits.shape[2];
        if (classes < 1)
        {
            throw new ArgumentException("logits have no class dimension (C = 0)");
        }
        if (targets.dim() != 2 || targets.shape[0] != batch || targets.shape[1] != frames)
        {
            throw new ArgumentException($"targets must be [B,T] = [{batch},{frames}], got [{string.Join(",", targets.shape)}]");
        }
        if (targets.is_floating_point() || targets.dtype == ScalarType.Bool)
        {
            throw new ArgumentException($"targets must be integer class indices (int64), got {targets.dtype}");
        }
        if (lengths.dim() != 1 || lengths.shape[0] != batch)
        {
            throw new ArgumentException($"lengths must be [B] = [{batch}], got [{string.Join(",", lengths.shape)}]");
        }
        if (lengths.is_floating_point() || lengths.dtype == ScalarType.Bool)
        {
            throw new ArgumentException($"lengths must be integer frame counts (int64), got {lengths.dtype}");
        }
        if (anchors.Count != batch)
        {
            throw new ArgumentException($"anchors must hold one array per sequence: {batch} sequences, {anchors.Count} arrays");
        }
        for (var b = 0; b < batch; b++)
        {
            var list = anchors[b] ?? throw new ArgumentException($"anchors of sequence {b} are null (use an empty array)");
            foreach (var anchor in list)
            {
                if (!double.IsFinite(anchor))
                {
                    throw new ArgumentException($"anchor {anchor} of sequence {b} is not a finite frame position");
                }
            }
        }
        var targetClasses = Math.Max(classes, 2);
        if (classWeights is not null && classWeights.Length != targetClasses)
        {
            throw new ArgumentException($"class weights hold {classWeights.Length} values but the targets have {targetClasses} classes");
        }

        var lengthValues = ReadLongs(lengths);
        for (var b = 0; b < batch; b++)
        {
            if (lengthValues[b] < 0 || lengthValues[b] > frames)
            {
                throw new ArgumentException($"length {lengthValues[b]} of sequence {b} is outside [0, {frames}]");
            }
        }
        var targetValues = ReadLongs(targets);
        var paddingInRange = true;
        for (var b = 0; b < batch; b++)
        {
            var row = b * frames;
            for (var t = 0; t < frames; t++)
            {
                var y = targetValues[row + t];
                if ((ulong)y >= (ulong)targetClasses)
                {
                    if (t < lengthValues[b])
                    {
                        throw new ArgumentException(
                            $"target {y} at sequence {b} frame {t} is outside [0, {targetClasses}) for logits with C = {classes}");
                    }
                    paddingInRange = false;
                }
            }
        }
        return new LossInputs(batch, frames, classes, lengthValues, targetValues, paddingInRange);
    }

    /// <summary>The targets as a tensor on <paramref name="device"/> whose padding frames hold class 0 when needed.</summary>
    public Tensor SafeTargets(Tensor targets, Device device)
    {
        if (PaddingTargetsInRange && targets.dtype == ScalarType.Int64)
        {
            return targets.device_type == device.type && targets.device_index == device.index ? targets.alias() : targets.to(device);
        }
        var safe = new long[Targets.Length];
        for (var b = 0; b < Batch; b++)
        {
            var row = b * Frames;
            var length = Lengths[b];
            for (var t = 0; t < length; t++)
            {
                safe[row + t] = Targets[row + t];
            }
        }
        return torch.tensor(safe, new long[] { Batch, Frames }, device: device);
    }

    private static long[] ReadLongs(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();
        if (cpu.dtype != ScalarType.Int64)
        {
            cpu = cpu.to_type(ScalarType.Int64);
        }
        if (!cpu.is_contiguous())
        {
            cpu = cpu.contiguous();
        }
        return cpu.data<long>().ToArray();
    }
}
