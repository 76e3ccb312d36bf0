namespace StreamingAnchor.Models;

/// <summary>The network a <see cref="ModelConfig"/> builds; written by name in lower case ("gru") in files and flags.</summary>
public enum ModelFamily
{
    /// <summary>Stacked GRUs.</summary>
    Gru,

    /// <summary>Stacked LSTMs.</summary>
    Lstm,

    /// <summary>Causal dilated temporal convolutions with residual blocks.</summary>
    Tcn,

    /// <summary>Depthwise-separable causal convolutions.</summary>
    Dscnn,

    /// <summary>A causal conv front end followed by GRUs.</summary>
    Crnn,
}
