using System.Globalization;
using StreamingAnchor.Losses;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>
/// A sensitivity sweep over one loss parameter and the values it takes: tau (both sides of the kernel), tau-before or
/// tau-after (one side: the kernel's asymmetry), lambda, gamma, or anchor-shift (frames the anchor moves, negative into
/// the keyword; the one parameter that may be negative).
/// </summary>
public sealed record ExperimentSweep(string Parameter, IReadOnlyList<double> Values)
{
    public static IReadOnlyList<string> Parameters { get; } = ["tau", "tau-before", "tau-after", "lambda", "gamma", "anchor-shift"];

    /// <summary>Parses "tau=2,4,8,16,32"; bad text throws a one-line ArgumentException.</summary>
    public static ExperimentSweep Parse(string text)
    {
        var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[1].Length == 0)
        {
            throw new ArgumentException($"--sweep must look like tau=2,4,8 (got '{text}')");
        }
        var parameter = parts[0].ToLowerInvariant();
        var signed = IsSigned(parameter);
        var values = new List<double>();
        foreach (var v in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || (!signed && x < 0))
            {
                throw new ArgumentException($"--sweep value '{v}' is not a finite number{(signed ? "" : " >= 0")}");
            }
            values.Add(x);
        }
        var sweep = new ExperimentSweep(parameter, values.Distinct().ToList());
        sweep.Validate();
        return sweep;
    }

    /// <summary>Whether the parameter's values may be negative (only the anchor shift: a direction in time).</summary>
    public static bool IsSigned(string? parameter) => parameter == "anchor-shift";

    public void Validate()
    {
        if (!Parameters.Contains(Parameter))
        {
            throw new ArgumentException($"unknown sweep parameter '{Parameter}' (expected {string.Join(", ", Parameters)})");
        }
        if (Values.Count == 0)
        {
            throw new ArgumentException($"sweep over {Parameter} has no values");
        }
        var signed = IsSigned(Parameter);
        foreach (var v in Values.Where(v => !double.IsFinite(v) || (!signed && v < 0)))
        {
            throw new ArgumentException($"sweep over {Parameter} has the value {Format(v)}, expected finite numbers{(signed ? "" : " >= 0")}");
        }
    }

    /// <summary>
    /// Whether the parameter changes the loss at all: losses it does not touch are trained once, as baselines,
    /// instead of once per value (tau, its sides and the anchor shift shape the significance of the anchor losses,
    /// lambda weights sal and sa+fl, gamma is the focal exponent).
    /// </summary>
    public bool Affects(LossConfig loss) => (Parameter, loss.Kind) switch
    {
        ("tau" or "tau-before" or "tau-after" or "anchor-shift", var kind) when kind.HasSignificance() => true,
        ("lambda", LossKind.Sal or LossKind.SaPlusFl) => true,
        ("lambda", LossKind.Safl) => loss.SaflAnchorWeight,
        ("gamma", LossKind.Focal or LossKind.SaPlusFl or LossKind.Safl) => true,
        _ => false,
    };

    public LossConfig Apply(LossConfig loss, double value) => Parameter switch
    {
        "tau" => loss with { Tau = value },
        "tau-before" => loss with { TauBefore = value },
        "tau-after" => loss with { TauAfter = value },
        "anchor-shift" => loss with { AnchorShift = value },
        "lambda" => loss with { Lambda = value },
        "gamma" => loss with { Gamma = value },
        _ => throw new ArgumentException($"unknown sweep parameter '{Parameter}'"),
    };

    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
