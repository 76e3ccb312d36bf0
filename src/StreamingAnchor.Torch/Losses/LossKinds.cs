namespace StreamingAnchor.Losses;

/// <summary>Names of the loss kinds as written in configs and on the command line.</summary>
public static class LossKinds
{
    /// <summary>Every kind, in the order benchmarks and reports list them.</summary>
    public static IReadOnlyList<LossKind> All { get; } =
        [LossKind.Ce, LossKind.Focal, LossKind.Sal, LossKind.SaPlusFl, LossKind.Safl, LossKind.MaxPool];

    public static string Name(LossKind kind) => kind switch
    {
        LossKind.Ce => "ce",
        LossKind.Focal => "focal",
        LossKind.Sal => "sal",
        LossKind.SaPlusFl => "sa+fl",
        LossKind.Safl => "safl",
        LossKind.MaxPool => "maxpool",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown loss kind"),
    };

    /// <summary>Parses ce|focal|sal|sa+fl|safl|maxpool (case-insensitive; "safl+" style typos are rejected).</summary>
    public static LossKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "ce" => LossKind.Ce,
        "focal" => LossKind.Focal,
        "sal" => LossKind.Sal,
        "sa+fl" => LossKind.SaPlusFl,
        "safl" => LossKind.Safl,
        "maxpool" => LossKind.MaxPool,
        _ => throw new ArgumentException($"unknown loss kind '{name}' (expected ce, focal, sal, sa+fl, safl or maxpool)"),
    };
}
