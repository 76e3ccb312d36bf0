using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>
/// Data parallelism on the CPU: N copies of a model (replica 0 is the model itself, the master the optimizer updates),
/// each run by its own OS thread with one libtorch thread on a fixed, contiguous shard of the batch. A step copies the
/// master's weights into the other replicas, runs forward, loss and backward on every shard at once, then reduces
/// the gradients into the master in a fixed order: g = s_0 g_0 + s_1 g_1 + ... with s_i = Z_i / Z the shard's share of
/// the loss's normaliser (<see cref="IFrameLoss.Normaliser"/>), so the result is the full batch's gradient in exact
/// arithmetic and the same floats on every run with the same N. The caller clips and steps the optimizer.
/// </summary>
/// <remarks>
/// libtorch's default generator is process-wide, so dropout on two threads would take its masks in whatever order
/// the threads reach it. Every replica's <see cref="DropoutLayer"/>s draw from the replica's own generator instead,
/// reseeded each step from the caller's seed and the shard index. No family has batch statistics (no BatchNorm), so
/// a shard's forward is the full batch's forward restricted to its rows.
/// </remarks>
public sealed class ReplicaGroup : IDisposable
{
    private readonly StreamingModel _master;
    private readonly StreamingModel[] _replicas;
    private readonly Tensor[][] _parameters;
    private readonly Tensor[][] _buffers;
    private readonly Generator?[] _generators;
    private readonly DropoutLayer[][] _dropouts;
    private readonly ReplicaWorkers _workers;
    private readonly (float Loss, double Normaliser)[] _results;

    /// <param name="master">The trained model; it must be one <see cref="ModelFactory"/> builds from its config.</param>
    /// <param name="count">N, replicas including the master (2 or more).</param>
    public ReplicaGroup(StreamingModel master, int count)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        _master = master;
        _replicas = new StreamingModel[count];
        _replicas[0] = master;
        for (var i = 1; i < count; i++)
        {
            _replicas[i] = ModelCopy.Of(master);
        }
        _parameters = _replicas.Select(r => r.parameters().ToArray()).ToArray();
        _buffers = _replicas.Select(r => r.buffers().ToArray()).ToArray();
        _dropouts = _replicas.Select(r => r.modules().OfType<DropoutLayer>().ToArray()).ToArray();
        _generators = new Generator?[count];
        for (var i = 0; i < count; i++)
        {
            if (_dropouts[i].Length > 0)
            {
                _generators[i] = new Generator();
                foreach (var layer in _dropouts[i])
                {
                    layer.Generator = _generators[i];
                }
            }
        }
        _results = new (float, double)[count];
        _workers = new ReplicaWorkers(count);
    }

    public int Count => _replicas.Length;

    /// <summary>
    /// Forward, loss and backward of every shard, the gradients reduced into the master's (replacing what they held);
    /// returns the batch's loss, sum_i s_i L_i. Batches smaller than N leave the last replicas idle.
    /// </summary>
    /// <param name="seed">Seeds the dropout masks of this step (shard i draws from a generator seeded from (seed, i)).</param>
    public double ForwardBackward(IFrameLoss loss, Tensor features, Tensor targets, Tensor lengths, IReadOnlyList<double[]> anchors, long seed)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(features);
        var batch = (int)features.shape[0];
        var active = Math.Min(Count, batch);
        _workers.Run(i =>
        {
            if (i < active)
            {
                var (start, length) = Shard(batch, active, i);
                _results[i] = RunShard(i, loss, features, targets, lengths, anchors, start, length, seed);
            }
        });

        var total = 0.0;
        for (var i = 0; i < active; i++)
        {
            total += _results[i].Normaliser;
        }
        var shares = new double[active];
        var value = 0.0;
        for (var i = 0; i < active; i++)
        {
            // Z = 0 means every frame weight is 0: the full batch's loss and gradient are 0, and so are these.
            shares[i] = total > 0 ? _results[i].Normaliser / total : 0;
            value += shares[i] * _results[i].Loss;
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        for (var p = 0; p < _parameters[0].Length; p++)
        {
            if (_parameters[0][p].grad is not { } sum)
            {
                continue;
            }
            sum.mul_(shares[0]);
            for (var i = 1; i < active; i++)
            {
                sum.add_(_parameters[i][p].grad!, shares[i]);
            }
        }
        return value;
    }

    /// <summary>Rows [start, start + length) of replica i's shard: contiguous, the first batch % n shards one row longer.</summary>
    internal static (int Start, int Length) Shard(int batch, int n, int i)
    {
        var size = batch / n;
        var extra = batch % n;
        return (i * size + Math.Min(i, extra), size + (i < extra ? 1 : 0));
    }

    private (float Loss, double Normaliser) RunShard(int i, IFrameLoss loss, Tensor features, Tensor targets, Tensor lengths,
        IReadOnlyList<double[]> anchors, int start, int length, long seed)
    {
        using var scope = torch.NewDisposeScope();
        var model = _replicas[i];
        if (i > 0)
        {
            CopyWeights(i);
            model.train(_master.training);
        }
        model.zero_grad();
        _generators[i]?.manual_seed(ShardSeed(seed, i));
        var logits = model.forward(features.narrow(0, start, length));
        var shardTargets = targets.narrow(0, start, length);
        var shardLengths = lengths.narrow(0, start, length);
        var shardAnchors = anchors.Skip(start).Take(length).ToArray();
        var value = loss.Forward(logits, shardTargets, shardLengths, shardAnchors);
        var normaliser = loss.Normaliser(logits, shardTargets, shardLengths, shardAnchors);
        var result = value.item<float>();
        value.backward();
        return (result, normaliser);
    }

    private void CopyWeights(int i)
    {
        using var noGrad = torch.no_grad();
        for (var p = 0; p < _parameters[i].Length; p++)
        {
            _parameters[i][p].copy_(_parameters[0][p]);
        }
        for (var b = 0; b < _buffers[i].Length; b++)
        {
            _buffers[i][b].copy_(_buffers[0][b]);
        }
    }

    /// <summary>A seed per (step seed, shard): SplitMix64's mixer over the pair, so nearby steps and shards do not share streams.</summary>
    private static long ShardSeed(long seed, int shard)
    {
        var z = unchecked((ulong)seed + (ulong)(shard + 1) * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (long)((z ^ (z >> 31)) >> 1);
    }

    public void Dispose()
    {
        _workers.Dispose();
        foreach (var layer in _dropouts[0])
        {
            layer.Generator = null;
        }
        foreach (var generator in _generators)
        {
            generator?.Dispose();
        }
        for (var i = 1; i < _replicas.Length; i++)
        {
            _replicas[i].Dispose();
        }
    }
}
