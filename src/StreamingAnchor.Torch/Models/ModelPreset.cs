namespace StreamingAnchor.Models;

/// <summary>Concrete sizes of one family at one preset (tuned for 40 inputs and one output).</summary>
public sealed record ModelPreset(int Hidden, int Layers, int Channels, int Kernel)
{
    public static IReadOnlyList<string> Families { get; } = ["gru", "lstm", "tcn", "dscnn", "crnn"];

    public static IReadOnlyList<string> Names { get; } = ["small", "medium", "large"];

    /// <summary>The preset's sizes; throws with the valid names on an unknown family or preset.</summary>
    public static ModelPreset Get(string family, string preset)
    {
        var index = Names.ToList().IndexOf(preset.ToLowerInvariant());
        if (index < 0)
        {
            throw new ArgumentException($"unknown preset '{preset}' (expected {string.Join(", ", Names)})");
        }

        // Hidden = recurrent width or conv channels; Layers = recurrent layers or residual blocks.
        ModelPreset[] table = family.ToLowerInvariant() switch
        {
            "gru" => [new(80, 1, 0, 0), new(96, 2, 0, 0), new(136, 3, 0, 0)],
            "lstm" => [new(68, 1, 0, 0), new(84, 2, 0, 0), new(116, 3, 0, 0)],
            "tcn" => [new(32, 6, 0, 3), new(64, 6, 0, 3), new(110, 6, 0, 3)],
            "dscnn" => [new(64, 5, 0, 5), new(128, 5, 0, 5), new(232, 5, 0, 5)],
            "crnn" => [new(72, 1, 32, 5), new(144, 1, 64, 5), new(152, 2, 128, 5)],
            _ => throw new ArgumentException($"unknown model family '{family}' (expected {string.Join(", ", Families)})"),
        };
        return table[index];
    }
}
