namespace StreamingAnchor.Data;

/// <summary>
/// Per-batch balance of training windows (docs/data.md, "Balanced batches"): each batch holds the kinds in these
/// shares (largest-remainder rounding), drawn from per-kind decks of windows reshuffled per pass; an epoch is
/// <see cref="EpochWindows"/> windows. Shares need not sum to 1; kinds the data lacks are left out and the rest rescaled.
/// A share not given is 0 (JSON and `--sampler` alike); <see cref="Default"/> is the preset `--sampler default` names.
/// </summary>
public sealed record SamplerOptions
{
    /// <summary>40 % positives, 20 % each of confusables, other speech and background.</summary>
    public static SamplerOptions Default { get; } = new() { Positive = 0.4, Confusable = 0.2, Speech = 0.2, Background = 0.2 };

    public double Positive { get; init; }

    public double Confusable { get; init; }

    public double Speech { get; init; }

    public double Background { get; init; }

    /// <summary>
    /// Confusable clips with near misses marked in <c>meta.near_miss</c> are cut into one window per near miss, its end
    /// placed where a positive window puts its keyword's end, instead of random crops that often miss it (a near miss
    /// is under a second of a stream several seconds long). `--sampler ...,near-miss-windows`.
    /// </summary>
    public bool NearMissWindows { get; init; }

    /// <summary>Windows per epoch (rounded up to whole batches); null: as many as one pass of plain windows over the split.</summary>
    public int? EpochWindows { get; init; }

    /// <summary>The share of one kind as given.</summary>
    public double Share(ExampleKind kind) => kind switch
    {
        ExampleKind.Positive => Positive,
        ExampleKind.Confusable => Confusable,
        ExampleKind.Speech => Speech,
        _ => Background,
    };

    /// <summary>
    /// Rows of each kind in a batch of <paramref name="batchSize"/>: shares rescaled over the kinds present, rounded by
    /// largest remainder (ties to the earlier kind), so the counts sum to the batch size and each is within one of its share.
    /// </summary>
    public int[] RowsPerBatch(int batchSize, IReadOnlySet<ExampleKind> present)
    {
        var kinds = Enum.GetValues<ExampleKind>();
        var total = kinds.Where(present.Contains).Sum(Share);
        if (!(total > 0))
        {
            throw new InvalidOperationException(
                $"the sampler's shares are 0 for every kind the data has ({string.Join(", ", kinds.Where(present.Contains)).ToLowerInvariant()})");
        }
        var exact = kinds.Select(k => present.Contains(k) ? Share(k) / total * batchSize : 0).ToArray();
        var rows = exact.Select(x => (int)Math.Floor(x)).ToArray();
        foreach (var k in Enumerable.Range(0, kinds.Length).OrderByDescending(k => exact[k] - rows[k]).ThenBy(k => k).Take(batchSize - rows.Sum()))
        {
            rows[k]++;
        }
        return rows;
    }

    /// <summary>The `--sampler` word that sets <see cref="NearMissWindows"/>.</summary>
    public const string NearMissWindowsName = "near-miss-windows";

    /// <summary>
    /// Parses `default` or `kind=share,...` (kinds positive, confusable, speech, background; unlisted kinds get 0),
    /// optionally with `near-miss-windows` among the parts; throws a one-line <see cref="ArgumentException"/> naming the bad part.
    /// </summary>
    public static SamplerOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var options = new SamplerOptions();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("default", StringComparison.OrdinalIgnoreCase))
            {
                options = Default with { NearMissWindows = options.NearMissWindows };
                continue;
            }
            if (part.Equals(NearMissWindowsName, StringComparison.OrdinalIgnoreCase))
            {
                options = options with { NearMissWindows = true };
                continue;
            }
            var pair = part.Split('=', StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !Enum.TryParse<ExampleKind>(pair[0], ignoreCase: true, out var kind) || int.TryParse(pair[0], out _) ||
                !double.TryParse(pair[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var share))
            {
                throw new ArgumentException($"--sampler: '{part}' is not kind=share (kinds positive, confusable, speech, background), 'default' or '{NearMissWindowsName}', e.g. positive=0.4,speech=0.6 or default,{NearMissWindowsName}");
            }
            options = kind switch
            {
                ExampleKind.Positive => options with { Positive = share },
                ExampleKind.Confusable => options with { Confusable = share },
                ExampleKind.Speech => options with { Speech = share },
                _ => options with { Background = share },
            };
        }
        options.Validate();
        return options;
    }

    public void Validate()
    {
        foreach (var kind in Enum.GetValues<ExampleKind>())
        {
            if (!double.IsFinite(Share(kind)) || Share(kind) < 0)
            {
                throw new ArgumentException($"sampler share of {kind.ToString().ToLowerInvariant()} must be a number >= 0, got {Share(kind)}");
            }
        }
        if (Enum.GetValues<ExampleKind>().Sum(Share) <= 0)
        {
            throw new ArgumentException("sampler shares must not all be 0");
        }
        if (EpochWindows is < 1)
        {
            throw new ArgumentException($"sampler epoch windows must be at least 1, got {EpochWindows}");
        }
    }
}
