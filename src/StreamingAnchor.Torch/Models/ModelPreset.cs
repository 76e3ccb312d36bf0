namespace StreamingAnchor.Models;

/// <summary>Concrete sizes of one family at one preset (tuned for 40 inputs and one output).</summary>
public sealed record ModelPreset(int Hidden, int Layers, int Channels, int Kernel)
{
    public static IReadOnlyList<ModelFamily> Families { get; } = Enum.GetValues<ModelFamily>();

    public static IReadOnlyList<ModelSize> Sizes { get; } = Enum.GetValues<ModelSize>();

    /// <summary>The preset's sizes; throws with the valid names on a value no name stands for.</summary>
    public static ModelPreset Get(ModelFamily family, ModelSize preset)
    {
        if (!Enum.IsDefined(preset))
        {
            throw new ArgumentException($"unknown preset '{preset}' (expected {EnumNames.Expected<ModelSize>()})");
        }

        // Hidden = recurrent width or conv channels; Layers = recurrent layers or residual blocks.
        ModelPreset[] table = family switch
        {
            ModelFamily.Gru => [new(80, 1, 0, 0), new(96, 2, 0, 0), new(136, 3, 0, 0)],
            ModelFamily.Lstm => [new(68, 1, 0, 0), new(84, 2, 0, 0), new(116, 3, 0, 0)],
            ModelFamily.Tcn => [new(32, 6, 0, 3), new(64, 6, 0, 3), new(110, 6, 0, 3)],
            ModelFamily.Dscnn => [new(64, 5, 0, 5), new(128, 5, 0, 5), new(232, 5, 0, 5)],
            ModelFamily.Crnn => [new(72, 1, 32, 5), new(144, 1, 64, 5), new(152, 2, 128, 5)],
            _ => throw new ArgumentException($"unknown model family '{family}' (expected {EnumNames.Expected<ModelFamily>()})"),
        };
        return table[(int)preset];
    }
}
