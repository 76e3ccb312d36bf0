using StreamingAnchor.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Losses;

/// <summary>One loss input held as plain arrays, so tests can rebuild tensors, perturb logits and run the reference.</summary>
internal sealed record LossCase(double[,,] Logits, long[,] Targets, long[] Lengths, double[][] Anchors)
{
    public int Batch => Logits.GetLength(0);
    public int Frames => Logits.GetLength(1);
    public int Classes => Logits.GetLength(2);

    public Tensor LogitsTensor(ScalarType dtype = ScalarType.Float64, bool requiresGrad = false)
    {
        var flat = new double[Batch * Frames * Classes];
        Buffer.BlockCopy(Logits, 0, flat, 0, flat.Length * sizeof(double));
        var tensor = torch.tensor(flat, new long[] { Batch, Frames, Classes }, ScalarType.Float64).to_type(dtype);
        return requiresGrad ? tensor.requires_grad_(true) : tensor;
    }

    public Tensor TargetsTensor()
    {
        var flat = new long[Batch * Frames];
        Buffer.BlockCopy(Targets, 0, flat, 0, flat.Length * sizeof(long));
        return torch.tensor(flat, new long[] { Batch, Frames });
    }

    public Tensor LengthsTensor() => torch.tensor(Lengths);

    /// <summary>The loss as a double, computed by the library.</summary>
    public double Loss(LossConfig config, ScalarType dtype = ScalarType.Float64)
    {
        using var scope = torch.NewDisposeScope();
        var loss = LossFactory.Create(config).Forward(LogitsTensor(dtype), TargetsTensor(), LengthsTensor(), Anchors);
        return loss.to_type(ScalarType.Float64).item<double>();
    }

    /// <summary>The loss and its analytic gradient with respect to the logits (row-major [B,T,C]).</summary>
    public (double Loss, double[] Gradient) LossAndGradient(LossConfig config, ScalarType dtype = ScalarType.Float64)
    {
        using var scope = torch.NewDisposeScope();
        var logits = LogitsTensor(dtype, requiresGrad: true);
        var loss = LossFactory.Create(config).Forward(logits, TargetsTensor(), LengthsTensor(), Anchors);
        loss.backward();
        var gradient = logits.grad!.to_type(ScalarType.Float64).data<double>().ToArray();
        return (loss.to_type(ScalarType.Float64).item<double>(), gradient);
    }

    /// <summary>Central finite differences of the library's float64 loss.</summary>
    public double[] NumericGradient(LossConfig config, double step = 1e-6)
    {
        var gradient = new double[Batch * Frames * Classes];
        var i = 0;
        for (var b = 0; b < Batch; b++)
        {
            for (var t = 0; t < Frames; t++)
            {
                for (var c = 0; c < Classes; c++)
                {
                    var saved = Logits[b, t, c];
                    Logits[b, t, c] = saved + step;
                    var up = Loss(config);
                    Logits[b, t, c] = saved - step;
                    var down = Loss(config);
                    Logits[b, t, c] = saved;
                    gradient[i++] = (up - down) / (2 * step);
                }
            }
        }
        return gradient;
    }

    /// <summary>The library's per-frame weights as [B,T] doubles.</summary>
    public double[,] FrameWeights(LossConfig config)
    {
        using var scope = torch.NewDisposeScope();
        var weights = LossFactory.Create(config).FrameWeights(LogitsTensor(), TargetsTensor(), LengthsTensor(), Anchors);
        var flat = weights.data<double>().ToArray();
        var result = new double[Batch, Frames];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return result;
    }

    /// <summary>Sequence <paramref name="b"/> alone, as a batch of one.</summary>
    public LossCase Sequence(int b)
    {
        var logits = new double[1, Frames, Classes];
        var targets = new long[1, Frames];
        for (var t = 0; t < Frames; t++)
        {
            targets[0, t] = Targets[b, t];
            for (var c = 0; c < Classes; c++)
            {
                logits[0, t, c] = Logits[b, t, c];
            }
        }
        return new LossCase(logits, targets, [Lengths[b]], [Anchors[b]]);
    }

    /// <summary>A random case: logits in [-scale, scale], a positive run of frames around each anchor, random lengths.</summary>
    public static LossCase Random(Random rng, int batch, int frames, int classes, double scale = 3, int maxAnchors = 2)
    {
        var logits = new double[batch, frames, classes];
        var targets = new long[batch, frames];
        var lengths = new long[batch];
        var anchors = new double[batch][];
        var targetClasses = Math.Max(classes, 2);
        for (var b = 0; b < batch; b++)
        {
            lengths[b] = rng.Next(0, frames + 1);
            var count = rng.Next(0, maxAnchors + 1);
            anchors[b] = new double[count];
            for (var k = 0; k < count; k++)
            {
                anchors[b][k] = -3 + rng.NextDouble() * (frames + 6); // sometimes outside [0,T)
            }
            for (var t = 0; t < frames; t++)
            {
                for (var c = 0; c < classes; c++)
                {
                    logits[b, t, c] = (2 * rng.NextDouble() - 1) * scale;
                }
                targets[b, t] = rng.Next(0, targetClasses);
            }
        }
        return new LossCase(logits, targets, lengths, anchors);
    }
}
