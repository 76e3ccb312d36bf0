using System.Globalization;
using StreamingAnchor.Losses;

namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>A sensitivity sweep over one loss parameter (tau, lambda or gamma) and the values it takes.</summary>
public sealed record ExperimentSweep(string Parameter, IReadOnlyList<double> Values)
{
    public static IReadOnlyList<string> Parameters { get; } = ["tau", "lambda", "gamma"];

    /// <summary>Parses "tau=2,4,8,16,32"; bad text throws a one-line ArgumentException.</summary>
    public static ExperimentSweep Parse(string text)
    {
        var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[1].Length == 0)
        {
            throw new ArgumentException($"--sweep must look like tau=2,4,8 (got '{text}')");
        }
        var values = new List<double>();
        foreach (var v in parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || x < 0)
            {
                throw new ArgumentException($"--sweep value '{v}' is not a finite number >= 0");
            }
            values.Add(x);
        }
        var sweep = new ExperimentSweep(parts[0].ToLowerInvariant(), values.Distinct().ToList());
        sweep.Validate();
        return sweep;
    }

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
    }

    /// <summary>
    /// Whether the parameter changes the loss at all: losses it does not touch are trained once, as baselines,
    /// instead of once per value (tau shapes the kernel of the anchor losses, lambda weights sal and sa+fl, gamma
    /// is the focal exponent).
    /// </summary>
    public bool Affects(LossConfig loss) => (Parameter, loss.Kind) switch
    {
        ("tau", LossKind.Sal or LossKind.SaPlusFl or LossKind.Safl) => true,
        ("lambda", LossKind.Sal or LossKind.SaPlusFl) => true,
        ("lambda", LossKind.Safl) => loss.SaflAnchorWeight,
        ("gamma", LossKind.Focal or LossKind.SaPlusFl or LossKind.Safl) => true,
        _ => false,
    };

    public LossConfig Apply(LossConfig loss, double value) => Parameter switch
    {
        "tau" => loss with { Tau = value },
        "lambda" => loss with { Lambda = value },
        "gamma" => loss with { Gamma = value },
        _ => throw new ArgumentException($"unknown sweep parameter '{Parameter}'"),
    };

    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
