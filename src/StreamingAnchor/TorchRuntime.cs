using TorchSharp;

namespace StreamingAnchor;

/// <summary>One place that touches libtorch first, so a broken native install fails with one clear message.</summary>
public static class TorchRuntime
{
    /// <summary>Runs a tiny computation through libtorch and describes the runtime.</summary>
    public static string Describe()
    {
        using var x = torch.arange(4, dtype: torch.float32);
        using var y = (x * x).sum();
        var check = y.item<float>();
        return $"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {torch.__version__}, " +
               $"threads {torch.get_num_threads()}, check sum(0..3 squared) = {check}";
    }

    /// <summary>Sets libtorch's intra-op thread count; 0 or less means all cores.</summary>
    public static void SetThreads(int threads)
    {
        torch.set_num_threads(threads > 0 ? threads : Environment.ProcessorCount);
    }
}
