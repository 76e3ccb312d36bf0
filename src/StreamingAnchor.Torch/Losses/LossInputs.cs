using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// The checked, CPU-side view of one loss call: sizes, valid lengths and the targets (read in place when they are a
/// contiguous int64 CPU tensor), with a one-line ArgumentException for every malformed input (shape, dtype, length
/// outside [0,T], target outside the classes on a valid frame, anchor that is NaN or infinite, missing anchor list).
/// </summary>
internal sealed class LossInputs : IDisposable
{
    private readonly Tensor _targets;

    private LossInputs(int batch, int frames, int classes, long[] lengths, Tensor targets)
    {
        Batch = batch;
        Frames = frames;
        Classes = classes;
        Lengths = lengths;
        _targets = targets;
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
    public long ValidFrames { get; }

    /// <summary>True when padding frames already hold valid class indices (the targets tensor can be used as is).</summary>
    public bool PaddingTargetsInRange { get; private set; }

    /// <summary>Row-major [B,T] targets (padding frames hold whatever the caller put there).</summary>
    public ReadOnlySpan<long> Targets => MemoryMarshal.Cast<byte, long>(_targets.bytes);

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

        long[] lengthValues;
        using (var lengthsCpu = CpuInt64(lengths))
        {
            lengthValues = MemoryMarshal.Cast<byte, long>(lengthsCpu.bytes).ToArray();
        }
        for (var b = 0; b < batch; b++)
        {
            if (lengthValues[b] < 0 || lengthValues[b] > frames)
            {
                throw new ArgumentException($"length {lengthValues[b]} of sequence {b} is outside [0, {frames}]");
            }
        }

        var inputs = new LossInputs(batch, frames, classes, lengthValues, CpuInt64(targets));
        try
        {
            inputs.CheckTargets();
        }
        catch
        {
            inputs.Dispose();
            throw;
        }
        return inputs;
    }

    private void CheckTargets()
    {
        var targets = Targets;
        var highest = TargetClasses - 1;
        var paddingInRange = true;
        for (var b = 0; b < Batch; b++)
        {
            var row = targets.Slice(b * Frames, Frames);
            var length = (int)Lengths[b];
            var bad = FirstOutside(row[..length], highest);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"target {row[bad]} at sequence {b} frame {bad} is outside [0, {TargetClasses}) for logits with C = {Classes}");
            }
            paddingInRange &= FirstOutside(row[length..], highest) < 0;
        }
        PaddingTargetsInRange = paddingInRange;
    }

    /// <summary>Index of the first value outside [0, highest], or -1 (SIMD: this runs over every frame of every call).</summary>
    private static int FirstOutside(ReadOnlySpan<long> values, long highest)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Signed compares: AVX2 has them for 64-bit lanes, unsigned ones are emulated and slower than scalar code.
            var highs = Vector256.Create(highest);
            for (; i + Vector256<long>.Count <= values.Length; i += Vector256<long>.Count)
            {
                var lanes = Vector256.Create(values.Slice(i, Vector256<long>.Count));
                if (Vector256.GreaterThanAny(lanes, highs) || Vector256.LessThanAny(lanes, Vector256<long>.Zero))
                {
                    break;
                }
            }
        }
        for (; i < values.Length; i++)
        {
            if (values[i] < 0 || values[i] > highest)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The targets as a tensor on <paramref name="device"/> whose padding frames hold class 0 when needed.</summary>
    public Tensor SafeTargets(Tensor targets, Device device)
    {
        if (PaddingTargetsInRange && targets.dtype == ScalarType.Int64)
        {
            return targets.device_type == device.type && targets.device_index == device.index ? targets.alias() : targets.to(device);
        }
        var safe = torch.zeros(new long[] { Batch, Frames }, ScalarType.Int64);
        var destination = MemoryMarshal.Cast<byte, long>(safe.bytes);
        var source = Targets;
        for (var b = 0; b < Batch; b++)
        {
            var row = b * Frames;
            source.Slice(row, (int)Lengths[b]).CopyTo(destination.Slice(row));
        }
        return device.type == DeviceType.CPU ? safe : safe.to(device);
    }

    /// <summary>
    /// A handle (always the caller's to dispose) on a contiguous int64 CPU tensor with the values of
    /// <paramref name="tensor"/>: an alias of it when it already is one, else a converted copy.
    /// </summary>
    private static Tensor CpuInt64(Tensor tensor)
    {
        if (tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Int64 && tensor.is_contiguous())
        {
            return tensor.alias();
        }
        using var scope = torch.NewDisposeScope();
        return tensor.detach().cpu().to_type(ScalarType.Int64).contiguous().clone().MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _targets.Dispose();
    }
}
