using StreamingAnchor.Audio;
using StreamingAnchor.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Training;

/// <summary>
/// Knowledge distillation (<see cref="TrainConfig.Teachers"/>): trained runs whose posteriors, averaged over the
/// runs, are soft targets for the model being trained. An ensemble averages away part of the spread over training
/// seeds but costs each member's parameters and compute on the device; a student of one member's size trained
/// towards the ensemble's posteriors keeps the size and every deployment path (what it bought on the kws recipe:
/// docs/results.md, "Ensembles, and distilling one into a single model"). The teachers read the very batch the student reads, so
/// they must have been trained on the same features: the same front end, normaliser, input streams and classes.
/// </summary>
public sealed class TeacherEnsemble : IDisposable
{
    private readonly IReadOnlyList<StreamingModel> _models;

    private TeacherEnsemble(IReadOnlyList<StreamingModel> models)
    {
        _models = models;
    }

    /// <summary>
    /// Loads the teachers and refuses, naming the file, one whose features or classes differ from the training data's
    /// (<paramref name="normalizer"/>, <paramref name="frontEnd"/>, <paramref name="inputDim"/>, <paramref name="numClasses"/>).
    /// </summary>
    public static TeacherEnsemble Load(IReadOnlyList<string> runs, FeatureNormalizer normalizer, FbankConfig frontEnd, int inputDim,
        int numClasses, torch.Device device)
    {
        var models = new List<StreamingModel>(runs.Count);
        try
        {
            foreach (var path in runs)
            {
                var run = new RunDirectory(path);
                var spec = run.ReadModelSpec();
                if (spec.InputDim != inputDim || spec.NumClasses != numClasses)
                {
                    throw new InvalidDataException(
                        $"{run.PathOf(RunDirectory.ModelFile)}: teacher reads {spec.InputDim} features per frame into {spec.NumClasses} outputs; the training data has {inputDim} and {numClasses}");
                }
                var own = run.LoadNormalizer()
                    ?? throw new FileNotFoundException($"{run.PathOf(RunDirectory.NormalizerFile)}: not found (a teacher needs the normaliser it was trained with)");
                if (!own.Mean.SequenceEqual(normalizer.Mean) || !own.Std.SequenceEqual(normalizer.Std))
                {
                    throw new InvalidDataException(
                        $"{run.PathOf(RunDirectory.NormalizerFile)}: the teacher was trained on other feature statistics than this run's training split; distil from runs trained on the same corpus");
                }
                if ((run.LoadFrontEnd() ?? new FbankConfig()) != frontEnd)
                {
                    throw new InvalidDataException(
                        $"{run.PathOf(RunDirectory.FrontEndFile)}: the teacher's front end differs from this run's; distil from runs with the same front end");
                }
                var model = run.LoadModel();
                models.Add(model);
                model.to(device);
                model.eval();
            }
        }
        catch
        {
            models.ForEach(m => m.Dispose());
            throw;
        }
        return new TeacherEnsemble(models);
    }

    /// <summary>
    /// The teachers' mean posteriors on <paramref name="features"/> [B,T,F]: [B,T] for one sigmoid output, [B,T,C] (a
    /// distribution over the classes, background included) for a softmax. No gradients.
    /// </summary>
    public Tensor Targets(Tensor features)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor? sum = null;
        foreach (var model in _models)
        {
            using var logits = model.forward(features);
            var p = logits.shape[^1] == 1 ? torch.sigmoid(logits.squeeze(-1)) : torch.softmax(logits, -1);
            sum = sum is null ? p : sum + p;
        }
        return (sum! / _models.Count).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The distillation term: the cross entropy of the student's <paramref name="logits"/> [B,T,C] against the
    /// teachers' mean posteriors, averaged over the real frames of <paramref name="mask"/> [B,T]. It is the KL
    /// divergence to the teachers plus their (constant) entropy, so its gradient is the KL's.
    /// </summary>
    public Tensor Term(Tensor logits, Tensor features, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        using var targets = Targets(features);
        using var weight = mask.to_type(ScalarType.Float32);
        var frames = weight.sum().clamp_min(1);
        Tensor perFrame = logits.shape[^1] == 1
            ? torch.nn.functional.binary_cross_entropy_with_logits(logits.squeeze(-1), targets, reduction: nn.Reduction.None)
            : -(targets * torch.nn.functional.log_softmax(logits, -1)).sum(-1);
        return ((perFrame * weight).sum() / frames).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var model in _models)
        {
            model.Dispose();
        }
    }
}
