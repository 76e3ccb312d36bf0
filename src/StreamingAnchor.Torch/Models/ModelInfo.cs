namespace StreamingAnchor.Models;

/// <summary>Size and cost of a model, as `sal model info` prints it.</summary>
/// <param name="ReceptiveField">Input frames one output depends on (past, current and look-ahead); null when unbounded (a recurrent layer or a running mean).</param>
/// <param name="StateFloats">Floats of streaming state per stream.</param>
public sealed record ModelInfo(
    ModelFamily Family,
    ModelSize Preset,
    int InputDim,
    int NumClasses,
    long Parameters,
    long MacsPerFrame,
    int? ReceptiveField,
    int LookAhead,
    long StateFloats,
    IReadOnlyList<string> Layers)
{
    public static ModelInfo Of(StreamingModel model)
    {
        var parameters = model.parameters().Sum(p => p.numel());
        if (model is not StackedStreamingModel stacked)
        {
            return new ModelInfo(model.Config.Family, model.Config.Preset, model.InputDim, model.NumClasses, parameters, 0, null,
                model.LookAhead, 0, []);
        }

        var layers = stacked.Layers;
        int? past = layers.Any(l => l.PastContext is null) ? null : layers.Sum(l => l.PastContext!.Value);
        var state = stacked.StateShapes(1).Sum(s => s.Aggregate(1L, (a, b) => a * b));
        return new ModelInfo(model.Config.Family, model.Config.Preset, model.InputDim, model.NumClasses, parameters,
            layers.Sum(l => l.MacsPerFrame), past is null ? null : past + 1 + model.LookAhead, model.LookAhead, state,
            layers.Select(l => l.Describe()).ToArray());
    }
}
