using System.Runtime.InteropServices;

namespace StreamingAnchor.Training;

/// <summary>
/// Reruns a training run that libtorch itself failed, so it resumes from its last epoch checkpoint. TorchSharp 0.107
/// passes temporary native Scalars (an op's default alpha, beta, ...) without keeping them alive, so now and then the
/// finalizer frees one mid-call and libtorch fails with "Expected false to be true" from Scalar::toFloat (9 of the 54
/// TCN cells of the grids in docs/results.md). Resuming gives the same weights as an uninterrupted run (tested), so a
/// retry loses only the unfinished epoch.
/// </summary>
public static class LibTorchRetry
{
    public const int MaxAttempts = 3;

    /// <summary>A libtorch error on one line, without its native stack trace.</summary>
    public static string Describe(Exception ex) => ErrorText.OneLine(ex.Message);

    /// <summary>Runs <paramref name="run"/> up to <see cref="MaxAttempts"/> times while it throws ExternalException.</summary>
    public static T Run<T>(Func<T> run, Action<int, Exception>? onRetry = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return run();
            }
            catch (ExternalException ex) when (attempt < MaxAttempts)
            {
                onRetry?.Invoke(attempt + 1, ex);
            }
        }
    }
}
