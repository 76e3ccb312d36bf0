using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// softplus(x) = log(1 + e^x) as -logsigmoid(-x). TorchSharp 0.107's <c>nn.functional.softplus</c> turns its default
/// beta and threshold into temporary native Scalars that the finalizer can free while libtorch still reads them; in a
/// long grid this crashed a training run with "Expected false to be true" from <c>Scalar::toFloat</c>. logsigmoid takes
/// no Scalars, is stable for any |x| (max(x, 0) + log1p(e^-|x|)) and has the exact gradient sigmoid(x), also at 0.
/// </summary>
internal static class Softplus
{
    public static Tensor Of(Tensor x)
    {
        using var negated = x.neg();
        using var logSigmoid = nn.functional.logsigmoid(negated);
        return logSigmoid.neg();
    }
}
