namespace StreamingAnchor.Losses;

/// <summary>What the members of <see cref="LossKind"/> have in common.</summary>
public static class LossKinds
{
    /// <summary>Whether the loss reads a temporal significance (sal, sa+fl, safl): the kinds anchors, tau and near-miss anchors shape.</summary>
    public static bool HasSignificance(this LossKind kind) => kind is LossKind.Sal or LossKind.SaPlusFl or LossKind.Safl;
}
