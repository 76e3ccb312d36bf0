namespace StreamingAnchor.Evaluation.Experiments;

/// <summary>The training budget every cell of a grid gets: epochs, optionally capped at a number of optimiser steps.</summary>
public sealed record ExperimentBudget(int Epochs = 2, int? MaxSteps = null)
{
    /// <summary>Parses "epochs=3", "steps=200" or "epochs=3,steps=200" (a bare number means epochs).</summary>
    public static ExperimentBudget Parse(string text)
    {
        var budget = new ExperimentBudget(int.MaxValue);
        var sawEpochs = false;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var key = kv.Length == 2 ? kv[0].ToLowerInvariant() : "epochs";
            var value = kv.Length == 2 ? kv[1] : kv[0];
            if (!int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                throw new ArgumentException($"--budget '{part}': expected a whole number >= 1");
            }
            budget = key switch
            {
                "epochs" or "epoch" => budget with { Epochs = n },
                "steps" or "max-steps" => budget with { MaxSteps = n },
                _ => throw new ArgumentException($"--budget '{part}': unknown key '{kv[0]}' (expected epochs or steps)"),
            };
            sawEpochs |= key.StartsWith("epoch", StringComparison.Ordinal);
        }
        if (!sawEpochs && budget.MaxSteps is null)
        {
            throw new ArgumentException($"--budget '{text}' sets neither epochs nor steps");
        }
        return budget;
    }

    public override string ToString() =>
        Epochs == int.MaxValue ? $"{MaxSteps} steps" : MaxSteps is { } s ? $"{Epochs} epochs, at most {s} steps" : $"{Epochs} epochs";
}
