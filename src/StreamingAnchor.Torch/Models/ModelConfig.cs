namespace StreamingAnchor.Models;

/// <summary>
/// What to build: a family (gru, lstm, tcn, dscnn, crnn), a size preset (small, medium, large) and optional overrides.
/// Null overrides take the preset's value, so a config stays short in JSON and meaningful if presets are retuned.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>gru | lstm | tcn | dscnn | crnn.</summary>
    public ModelFamily Family { get; init; } = ModelFamily.Gru;

    /// <summary>small (about 30k parameters at 40 inputs) | medium (about 100k) | large (about 300k).</summary>
    public ModelSize Preset { get; init; } = ModelSize.Small;

    /// <summary>Recurrent width (gru, lstm, crnn) or conv channels (tcn, dscnn).</summary>
    public int? Hidden { get; init; }

    /// <summary>Recurrent layers (gru, lstm, crnn: 1-3) or residual conv blocks (tcn, dscnn).</summary>
    public int? Layers { get; init; }

    /// <summary>Channels of the crnn conv front end.</summary>
    public int? Channels { get; init; }

    /// <summary>Temporal kernel size of the conv layers.</summary>
    public int? Kernel { get; init; }

    /// <summary>
    /// Frames of future context. The network itself stays causal; the output for frame t is read off after
    /// frame t + LookAhead has been seen, so streaming outputs arrive LookAhead frames late (see StreamingModel).
    /// </summary>
    public int LookAhead { get; init; }

    /// <summary>Dropout between layers while training; inactive in eval mode, so streaming stays exact.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Time constant in frames of a running mean subtracted from the input before the first layer
    /// (<see cref="RunningMeanLayer"/>); null: none.
    /// </summary>
    public int? RunningMeanFrames { get; init; }

    /// <summary>
    /// <see cref="RunningMeanFrames"/> from a setting where 0 means none (recipe.json's <c>runningMean</c>, <c>sal demo
    /// --running-mean</c>); a negative value or 1 is refused with a one-line ArgumentException naming
    /// <paramref name="setting"/>, because only such a setting's own message can say that 0 means none.
    /// </summary>
    public static int? RunningMeanFromSetting(int frames, string setting) =>
        frames is < 0 or 1
            ? throw new ArgumentException($"{setting} must be 0 (none) or a time constant of at least 2 frames, got {frames}")
            : frames == 0 ? null : frames;

    /// <summary>What the run reports and progress lines call the model, e.g. "tcn/small (48 wide) after a running mean of 30 frames".</summary>
    public string Describe() =>
        $"{Family.Name()}/{Preset.Name()}{(Hidden is { } h ? $" ({h} wide)" : "")}{(RunningMeanFrames is { } m ? $" after a running mean of {m} frames" : "")}";

    /// <summary>
    /// Throws a one-line ArgumentException naming the first bad setting that needs no preset to judge; both
    /// <see cref="ModelFactory.Create"/> and the train config's validation (before any data is read) call it.
    /// </summary>
    public void Validate()
    {
        if (LookAhead < 0) throw new ArgumentException($"look-ahead must be 0 or more frames, got {LookAhead}");
        if (!double.IsFinite(Dropout) || Dropout is < 0 or >= 1) throw new ArgumentException($"dropout must be in [0,1), got {Dropout}");
        if (RunningMeanFrames is < 2) throw new ArgumentException($"the running mean's time constant must be at least 2 frames, got {RunningMeanFrames}");
    }
}
