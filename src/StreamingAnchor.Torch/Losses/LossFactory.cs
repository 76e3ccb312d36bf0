namespace StreamingAnchor.Losses;

/// <summary>Builds the loss a <see cref="LossConfig"/> describes.</summary>
public static class LossFactory
{
    public static IFrameLoss Create(LossConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config.Kind == LossKind.MaxPool ? new MaxPoolLoss(config) : new WeightedFrameLoss(config);
    }
}
