using StreamingAnchor.Losses;
using StreamingAnchor.Models;
using StreamingAnchor.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Tests.Training;

/// <summary>Data-parallel replicas compute the full batch's loss and gradient, and draw dropout independently of thread timing.</summary>
[Collection(LibTorchRngCollection.Name)]
public class ReplicaGroupTests
{
    public static TheoryData<LossKind, LossReduction, int, int> LossesAndShards()
    {
        var data = new TheoryData<LossKind, LossReduction, int, int>();
        foreach (var kind in Enum.GetValues<LossKind>())
        {
            foreach (var reduction in Enum.GetValues<LossReduction>())
            {
                data.Add(kind, reduction, 1, 2);
                data.Add(kind, reduction, 3, 2);
            }
        }
        data.Add(LossKind.Sal, LossReduction.Mean, 1, 3);
        data.Add(LossKind.MaxPool, LossReduction.WeightSum, 3, 3);
        return data;
    }

    [Theory]
    [MemberData(nameof(LossesAndShards))]
    public void ShardsGiveTheFullBatchLossAndGradient(LossKind kind, LossReduction reduction, int classes, int replicas)
    {
        // Uneven shards (5 rows), an empty and a short sequence, class weights: every normaliser's share differs per shard.
        var (features, targets, lengths, anchors) = RandomBatch(new Random(7 + classes), batch: 5, frames: 24, dim: 6, classes);
        var config = new LossConfig
        {
            Kind = kind, Reduction = reduction, Tau = 3, Lambda = 3, Gamma = 1.5, ClassWeights = classes == 1 ? [0.7, 2.0] : [0.5, 1.5, 3.0],
        };
        var loss = LossFactory.Create(config);
        torch.manual_seed(3);
        using var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Tcn, Hidden = 8, Layers = 2 }, 6, classes);
        using var reference = ModelFactory.Create(model.Config, 6, classes);
        reference.load_state_dict(model.state_dict());

        double fullLoss;
        using (torch.NewDisposeScope())
        {
            var value = loss.Forward(reference.forward(features), targets, lengths, anchors);
            fullLoss = value.item<float>();
            value.backward();
        }
        double shardedLoss;
        using (var group = new ReplicaGroup(model, replicas))
        {
            shardedLoss = group.ForwardBackward(loss, features, targets, lengths, anchors, seed: 1);
        }

        Assert.True(Math.Abs(fullLoss - shardedLoss) <= 1e-5 * Math.Abs(fullLoss) + 1e-7, $"loss {fullLoss} (full) vs {shardedLoss} ({replicas} shards)");
        var full = reference.parameters().ToArray();
        var sharded = model.parameters().ToArray();
        Assert.Equal(full.Length, sharded.Length);
        for (var p = 0; p < full.Length; p++)
        {
            Assert.True(full[p].grad!.abs().sum().item<float>() > 0, $"parameter {p} has no gradient to compare");
            Assert.True(sharded[p].grad!.allclose(full[p].grad!, rtol: 1e-4, atol: 1e-6),
                $"{kind}/{reduction}/C={classes}: gradient of parameter {p} differs, max |diff| {(sharded[p].grad! - full[p].grad!).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void ShardsTileTheBatchInOrder()
    {
        Assert.Equal([(0, 3), (3, 2)], Enumerable.Range(0, 2).Select(i => ReplicaGroup.Shard(5, 2, i)));
        Assert.Equal([(0, 3), (3, 3), (6, 2), (8, 2)], Enumerable.Range(0, 4).Select(i => ReplicaGroup.Shard(10, 4, i)));
    }

    [Fact]
    public void DropoutMasksComeFromEachReplicasOwnGenerator()
    {
        var (features, targets, lengths, anchors) = RandomBatch(new Random(1), batch: 4, frames: 30, dim: 6, classes: 1);
        var loss = LossFactory.Create(new LossConfig());
        double[] Run(long seed, int globalSeed)
        {
            torch.manual_seed(11);
            using var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Gru, Hidden = 8, Layers = 1, Dropout = 0.5 }, 6, 1);
            model.train();
            using var group = new ReplicaGroup(model, 2);
            // The process-wide generator must play no part: reseed it differently between runs.
            torch.manual_seed(globalSeed);
            group.ForwardBackward(loss, features, targets, lengths, anchors, seed);
            return model.parameters().SelectMany(p => p.grad!.data<float>().ToArray().Select(v => (double)v)).ToArray();
        }

        var a = Run(seed: 5, globalSeed: 1);
        Assert.Equal(a, Run(seed: 5, globalSeed: 2));
        Assert.NotEqual(a, Run(seed: 6, globalSeed: 1));
    }

    [Fact]
    public void ReplicaSettingsAreCheckedAndOneReplicaIsThePlainRun()
    {
        var plain = new TrainConfig { Data = "m.jsonl" };
        Assert.Equal("replicas must be at least 1, got 0", Assert.Throws<ArgumentException>(() => (plain with { Replicas = 0 }).Validate()).Message);
        Assert.Contains("one libtorch thread each", Assert.Throws<ArgumentException>(() => (plain with { Replicas = 2, Threads = 2 }).Validate()).Message);
        Assert.Contains("with one replica", Assert.Throws<ArgumentException>(() => (plain with { Replicas = 2, Device = "cuda" }).Validate()).Message);
        (plain with { Replicas = 2, Threads = 1 }).Validate();
        // One replica is the plain loop: same fingerprint as a config without the setting; more is a change a resume names.
        Assert.Equal(RunFingerprint.ConfigJson(plain), RunFingerprint.ConfigJson(plain with { Replicas = 1 }));
        Assert.Equal(["replicas unset -> 2"], RunFingerprint.ConfigChanges(plain, plain with { Replicas = 2 }));
    }

    [Fact]
    public void AModelItsConfigDoesNotBuildIsRefused()
    {
        torch.manual_seed(1);
        using var model = ModelFactory.Create(new ModelConfig { Family = ModelFamily.Gru, Hidden = 8, Layers = 1 }, 6, 1);
        using var other = new StackedStreamingModel(model.Config with { Hidden = 4 },
            [new GruLayer(6, 8), new LinearLayer(8, 2)]);
        var e = Assert.Throws<InvalidOperationException>(() => new ReplicaGroup(other, 2));
        Assert.Contains("parameter shapes differ", e.Message);
    }

    private static (Tensor Features, Tensor Targets, Tensor Lengths, double[][] Anchors) RandomBatch(Random rng, int batch, int frames, int dim,
        int classes)
    {
        var x = new float[batch * frames * dim];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        var y = new long[batch * frames];
        var lengths = new long[batch];
        var anchors = new double[batch][];
        for (var b = 0; b < batch; b++)
        {
            lengths[b] = b switch { 1 => 0, 3 => frames / 3, _ => frames - b };
            anchors[b] = [];
            if (b % 2 == 0)
            {
                var anchor = 4 + rng.NextDouble() * (lengths[b] - 8);
                anchors[b] = [anchor];
                var cls = classes == 1 ? 1 : 1 + b / 2 % (classes - 1);
                for (var t = Math.Max(0, (int)anchor - 5); t <= (int)anchor; t++)
                {
                    y[b * frames + t] = cls;
                }
            }
        }
        return (torch.tensor(x, new long[] { batch, frames, dim }), torch.tensor(y, new long[] { batch, frames }), torch.tensor(lengths), anchors);
    }
}
