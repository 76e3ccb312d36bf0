using System.Text.Json.Serialization;

namespace StreamingAnchor.Anchors;

/// <summary>
/// The profile of a temporal-significance kernel as a function of the normalised distance u = d / spread; named exp,
/// gaussian, triangular and box in configs and flags.
/// </summary>
public enum KernelShape
{
    /// <summary>exp(-u).</summary>
    [JsonStringEnumMemberName("exp")] Exponential,

    /// <summary>exp(-u^2 / 2): the spread is the standard deviation.</summary>
    Gaussian,

    /// <summary>max(0, 1 - u): the spread is the half-width W.</summary>
    Triangular,

    /// <summary>1 when u &lt;= 1, else 0: the spread is the half-width W.</summary>
    Box,
}
