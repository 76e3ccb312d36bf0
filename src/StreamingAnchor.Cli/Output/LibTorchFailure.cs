using System.Runtime.InteropServices;
using StreamingAnchor.Training;

namespace StreamingAnchor.Cli.Output;

/// <summary>
/// The one error line for a libtorch failure that outlived <see cref="LibTorchRetry"/>: finished epochs are already
/// checkpointed atomically, so it says how to go on instead of dumping a native stack.
/// </summary>
internal static class LibTorchFailure
{
    public static int Report(ExternalException ex, string resumeHint)
    {
        Console.Error.WriteLine($"error: libtorch: {LibTorchRetry.Describe(ex)} ({resumeHint})");
        return 1;
    }
}
