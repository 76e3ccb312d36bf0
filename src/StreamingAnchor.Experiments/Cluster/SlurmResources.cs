using System.Text.RegularExpressions;

namespace StreamingAnchor.Cluster;

/// <summary>
/// What each array task of a grid asks Slurm for. Null fields are left to the cluster's defaults. <see cref="ExtraLines"/>
/// are further sbatch options, one per line, written as given ("#SBATCH --qos=long") or with the prefix added ("--qos=long").
/// </summary>
public sealed partial record SlurmResources
{
    /// <summary>CPUs per task; the cell trains with this many torch threads.</summary>
    public int CpusPerTask { get; init; } = 1;

    /// <summary>Memory per task in sbatch's --mem form (e.g. 4G, 800M).</summary>
    public string? Memory { get; init; }

    /// <summary>Time limit per task in sbatch's --time form (e.g. 02:00:00, 1-12:00:00, 90).</summary>
    public string? Time { get; init; }

    public string? Partition { get; init; }

    public IReadOnlyList<string> ExtraLines { get; init; } = [];

    /// <summary>Throws a one-line ArgumentException naming the first bad value (flags are checked before anything is submitted).</summary>
    public void Validate()
    {
        if (CpusPerTask < 1)
        {
            throw new ArgumentException($"--cpus-per-task must be at least 1, got {CpusPerTask}");
        }
        if (Memory is { } m && !MemoryPattern().IsMatch(m))
        {
            throw new ArgumentException($"--mem '{m}' is not an sbatch memory size (e.g. 4G, 800M)");
        }
        if (Time is { } t && !TimePattern().IsMatch(t))
        {
            throw new ArgumentException($"--time '{t}' is not an sbatch time limit (e.g. 90, 02:00:00, 1-12:00:00)");
        }
        if (Partition is { } p && !NamePattern().IsMatch(p))
        {
            throw new ArgumentException($"--partition '{p}' is not a partition name");
        }
        foreach (var line in ExtraLines)
        {
            SbatchLine(line);
        }
    }

    /// <summary>An extra line as it goes into the script: "#SBATCH OPTION".</summary>
    public static string SbatchLine(string line)
    {
        var text = line.Trim();
        // A newline would end the directive and start a shell command in the job script.
        if (text.Contains('\n') || text.Contains('\r'))
        {
            throw new ArgumentException($"--sbatch-line '{line.ReplaceLineEndings(" ")}' spans several lines; give one option per flag");
        }
        if (text.StartsWith("#SBATCH ", StringComparison.Ordinal))
        {
            return text;
        }
        if (text.StartsWith('-'))
        {
            return "#SBATCH " + text;
        }
        throw new ArgumentException($"--sbatch-line '{line}' is not an sbatch option (expected e.g. --qos=long or '#SBATCH --qos=long')");
    }

    [GeneratedRegex(@"^[0-9]+[KMGT]?$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"^([0-9]+-)?[0-9]+(:[0-9]{1,2}){0,2}$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.,-]+$")]
    private static partial Regex NamePattern();
}
