using System.Text;
using System.Text.Json;

namespace StreamingAnchor.Data;

/// <summary>A JSONL manifest loaded from disk: its entries and the folder their relative paths start from.</summary>
public sealed class Manifest
{
    // Reading is strict: a misspelt key ("event") must not silently become a clip without events.
    private static readonly JsonSerializerOptions ReadOptions = StrictJson.Strict(ProjectJson.Line);

    public Manifest(string path, IReadOnlyList<ManifestEntry> entries)
    {
        Path = System.IO.Path.GetFullPath(path);
        Entries = entries;
    }

    /// <summary>Absolute path of the manifest file.</summary>
    public string Path { get; }

    /// <summary>Folder relative paths in the manifest are resolved against.</summary>
    public string BaseDirectory => System.IO.Path.GetDirectoryName(Path)!;

    public IReadOnlyList<ManifestEntry> Entries { get; }

    /// <summary>Absolute path of a path written in this manifest.</summary>
    public string Resolve(string relativeOrAbsolute) =>
        System.IO.Path.IsPathRooted(relativeOrAbsolute)
            ? relativeOrAbsolute
            : System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, relativeOrAbsolute));

    /// <summary>Entries of one split (train, dev, test).</summary>
    public IReadOnlyList<ManifestEntry> Split(string split) =>
        Entries.Where(e => string.Equals(e.Split, split, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Parses one line; throws <see cref="FormatException"/> naming the file and line.</summary>
    public static ManifestEntry ParseLine(string line, string path, int lineNumber)
    {
        var entry = StrictJson.Deserialize<ManifestEntry>(line, ReadOptions, path, "manifest", lineNumber);
        if (!double.IsFinite(entry.Duration) || entry.Duration <= 0)
        {
            throw new FormatException($"{path}:{lineNumber}: duration must be a positive number, got {entry.Duration}");
        }
        foreach (var ev in entry.Events)
        {
            if (!double.IsFinite(ev.Start) || !double.IsFinite(ev.End) || ev.End < ev.Start)
            {
                throw new FormatException($"{path}:{lineNumber}: event '{ev.Label}' has an invalid interval [{ev.Start}, {ev.End}]");
            }
        }
        if (entry.Anchors is { } anchors && anchors.Any(a => !double.IsFinite(a)))
        {
            throw new FormatException($"{path}:{lineNumber}: anchors must be finite numbers");
        }
        return entry;
    }

    /// <summary>Loads a manifest; the first bad line stops the load with a one-line error naming it.</summary>
    public static Manifest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: manifest not found", path);
        }
        var entries = new List<ManifestEntry>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            entries.Add(ParseLine(line, path, lineNumber));
        }
        if (entries.Count == 0)
        {
            throw new FormatException($"{path}: manifest is empty");
        }
        return new Manifest(path, entries);
    }

    /// <summary>Serialises one entry as a JSONL line.</summary>
    public static string FormatLine(ManifestEntry entry) => JsonSerializer.Serialize(entry, ProjectJson.Line);

    /// <summary>Writes entries atomically (temp file then rename), so a crash never leaves half a manifest.</summary>
    public static void Save(string path, IEnumerable<ManifestEntry> entries)
    {
        var sb = new StringBuilder();
        foreach (var entry in entries)
        {
            sb.Append(FormatLine(entry)).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
