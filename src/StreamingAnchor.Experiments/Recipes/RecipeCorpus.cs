using System.Globalization;
using System.Text.Json;
using StreamingAnchor.Data;

namespace StreamingAnchor.Recipes;

/// <summary>
/// The corpus a recipe trained on, machine-readable: <see cref="FileName"/> beside recipe.json and the exported model,
/// so a folder that ships the model (models/hey_jarvis) says what it was trained on without anyone parsing recipe.md.
/// </summary>
/// <param name="Manifest">The manifest, relative to the recipe's output folder.</param>
/// <param name="Streams">Streams (manifest lines) over every split.</param>
/// <param name="Hours">Audio hours over every split (the manifest's durations).</param>
public sealed record RecipeCorpus(string Manifest, int Streams, double Hours)
{
    public const string FileName = "corpus.json";

    /// <summary>The corpus of <paramref name="manifestPath"/>, named relative to <paramref name="folder"/>.</summary>
    public static RecipeCorpus Of(string manifestPath, string folder)
    {
        var manifest = StreamingAnchor.Data.Manifest.Load(manifestPath);
        return new RecipeCorpus(Path.GetRelativePath(folder, manifestPath).Replace('\\', '/'), manifest.Entries.Count,
            manifest.Entries.Sum(e => e.Duration) / 3600.0);
    }

    /// <summary>Writes <see cref="FileName"/> in <paramref name="folder"/> atomically.</summary>
    public void Save(string folder) =>
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, ProjectJson.Options) + "\n");

    /// <summary>The <see cref="FileName"/> of <paramref name="folder"/> read strictly, or null when the folder has none.</summary>
    public static RecipeCorpus? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        return File.Exists(path) ? StrictJson.Deserialize<RecipeCorpus>(File.ReadAllText(path), ProjectJson.Strict, path, "recipe corpus") : null;
    }

    /// <summary>"4803 streams, 21.37 h of audio in data/manifest.jsonl".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Streams} streams, {Hours:0.##} h of audio in {Manifest}");
}
