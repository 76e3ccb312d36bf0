using System.Globalization;
using StreamingAnchor.Models;
using StreamingAnchor.Recipes;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Commands;

/// <summary>Where `sal demo` found the shipped model: its folder, or none with the one line that says where it looked.</summary>
internal sealed record ShippedLookup(string? Folder, string? Notice);

/// <summary>
/// The project's shipped keyword model (`models/hey_jarvis`, made by `sal recipe kws`) as `sal demo` finds, names and
/// describes it: everything is read from the folder (train.json, training.json, the recipe's corpus.json), nothing is assumed.
/// </summary>
internal static class ShippedModel
{
    /// <summary>The folder, relative to the repository root, that holds the project's shipped keyword model.</summary>
    public const string DefaultFolder = "models/hey_jarvis";

    /// <summary>`--shipped none`: leave the shipped model out.</summary>
    public const string Off = "none";

    /// <summary>
    /// The folder named by <paramref name="option"/>: null or empty searches <see cref="DefaultFolder"/> in
    /// <paramref name="currentDirectory"/>, <paramref name="baseDirectory"/> and their ancestors (the demo runs from a
    /// clone's root, the CLI binary lives under it); "none" turns it off; a folder given explicitly must be a run folder.
    /// </summary>
    public static ShippedLookup Locate(string? option, string currentDirectory, string baseDirectory)
    {
        if (string.Equals(option, Off, StringComparison.OrdinalIgnoreCase))
        {
            return new ShippedLookup(null, null);
        }
        if (!string.IsNullOrEmpty(option))
        {
            var given = Path.GetFullPath(option, currentDirectory);
            return File.Exists(Path.Combine(given, RunDirectory.ModelFile))
                ? new ShippedLookup(given, null)
                : throw new ArgumentException($"--shipped {option}: {given} holds no {RunDirectory.ModelFile} (a run folder written by sal train or sal recipe kws); pass --shipped {Off} to leave it out");
        }
        var starts = new[] { currentDirectory, baseDirectory }.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, DefaultFolder);
                if (File.Exists(Path.Combine(candidate, RunDirectory.ModelFile)))
                {
                    return new ShippedLookup(candidate, null);
                }
            }
        }
        return new ShippedLookup(null,
            $"demo: no shipped model found (no {DefaultFolder}/{RunDirectory.ModelFile} in {string.Join(" or ", starts)} or their parents); comparing the two demo models only");
    }

    /// <summary>The table's name: family and loss from train.json, the corpus hours from the recipe's corpus.json when it has one.</summary>
    public static string Name(string folder)
    {
        var config = Config(folder);
        var parts = new List<string>();
        if (config is not null)
        {
            parts.Add($"{config.Model.Family.Name()} {config.Loss.Kind.Name()}");
        }
        if (RecipeCorpus.Read(folder) is { } corpus)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{corpus.Hours:0.##} h"));
        }
        return parts.Count == 0 ? "shipped" : $"shipped ({string.Join(", ", parts)})";
    }

    /// <summary>What the model is and what it was trained on, for the demo's report.md: factual lines read from the folder.</summary>
    public static string Describe(string folder)
    {
        var inv = CultureInfo.InvariantCulture;
        var config = Config(folder);
        var training = new RunDirectory(folder).ReadTrainingSummary();
        var model = config is null ? "model settings unknown (no train.json)"
            : $"{config.Model.Describe()}, loss {config.Loss.Kind.Name()}";
        var text = $"Shipped model: `{folder}` ({model}";
        if (training?.Parameters is { } parameters)
        {
            text += string.Create(inv, $", {parameters:N0} parameters");
        }
        text += ").";
        text += RecipeCorpus.Read(folder) is { } corpus
            ? $" Trained by `sal recipe kws` on its own corpus: {corpus} (its {RecipeCorpus.FileName})."
            : $" Its {RecipeCorpus.FileName} (the training corpus) is not in the folder.";
        if (training is not null)
        {
            text += string.Create(inv,
                $" training.json: {training.TrainClips} train and {training.DevClips} dev streams, best epoch {training.BestEpoch} of {training.EpochsDone}, selected by {training.SelectedBy}{(training.EmaDecay is { } ema ? $", weights averaged (ema decay {ema})" : "")}.");
        }
        return text;
    }

    private static TrainConfig? Config(string folder)
    {
        var path = Path.Combine(folder, TrainingRun.ConfigFile);
        return File.Exists(path) ? TrainingRun.ReadConfig(path) : null;
    }
}
