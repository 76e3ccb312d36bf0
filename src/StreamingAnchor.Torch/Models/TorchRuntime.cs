using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace StreamingAnchor.Models;

/// <summary>One place that touches libtorch first, so a broken native install fails with one clear message.</summary>
public static class TorchRuntime
{
    // MKL's branch first: disabling oneDNN touches libtorch, after which MKL could have read its settings.
    private static readonly Lazy<bool> OneDnnOff = new(() =>
    {
        PinMklCodeBranch();
        return DisableOneDnn();
    });

    /// <summary>
    /// True once libtorch's oneDNN (mkldnn) kernels are off, as torch.backends.mkldnn.enabled = False does. On an
    /// AVX-512 EPYC host oneDNN's float32 conv (batch over 1, input channels not a multiple of its SIMD block; also
    /// with its ISA capped at AVX2) and its LSTM were off by 0.1-1 against float64, so offline disagreed with the
    /// step's matmul and TorchSharp with ONNX Runtime. libtorch's own kernels match float64 to 1e-6 everywhere.
    /// </summary>
    public static bool OneDnnDisabled => OneDnnOff.Value;

    /// <summary>Applies the native settings (MKL's code branch, oneDNN and NNPACK off) once; every model layer calls it.</summary>
    public static void EnsureConfigured() => _ = OneDnnOff.Value;

    /// <summary>
    /// The code branch of MKL (the BLAS inside libtorch) every run asks for unless MKL_CBWR says otherwise: AVX2, which
    /// every x86-64 CPU of the machine kinds we train on has. Left to itself MKL picks its branch by CPU model and
    /// vendor (AVX-512 kernels on an Intel Xeon, others on an AMD EPYC), each summing in its own order, so the same
    /// seed and data trained different weights on two machines of one kind (docs/models.md, "What is deterministic").
    /// MKL honours it on Intel CPUs only: on an AMD EPYC it reports its own choice (AUTO) for every branch but
    /// COMPATIBLE, which costs a third of the training speed, so AVX2 stays the pin and <see cref="Describe"/> says
    /// when it did not take.
    /// </summary>
    public const string MklCodeBranch = "AVX2";

    /// <summary>MKL's number for its own choice of branch (MKL_CBWR_AUTO in mkl_service.h).</summary>
    public const int MklCbwrAuto = 2;

    /// <summary>
    /// The code branch MKL runs (its MKL_CBWR_* number: 10 is AVX2, 2 AUTO), as MKL itself reports it, or null where
    /// the libtorch build exports no MKL service functions (another ABI, or a build without MKL).
    /// </summary>
    public static int? MklBranchInEffect()
    {
        EnsureConfigured();
        try
        {
            return NativeMethods.MklCbwrGet(MklCbwrBranchQuery);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>MKL's number for the AVX2 branch (MKL_CBWR_AVX2 in mkl_service.h).</summary>
    public const int MklCbwrAvx2 = 10;

    private const int MklCbwrBranchQuery = 1; // MKL_CBWR_BRANCH: ask for the branch, not the strict flag

    /// <summary>
    /// Sets MKL_CBWR to <see cref="MklCodeBranch"/> unless the user chose a branch. MKL reads it at its first call,
    /// so this runs before anything computes (the CLI's first line, and every model's <see cref="EnsureConfigured"/>).
    /// Returns the branch in effect.
    /// </summary>
    public static string PinMklCodeBranch() => SetNativeDefault("MKL_CBWR", MklCodeBranch);

    /// <summary>Runs a tiny computation through libtorch and describes the runtime.</summary>
    public static string Describe()
    {
        EnsureConfigured();
        using var x = torch.arange(4, dtype: torch.float32);
        using var y = (x * x).sum();
        var check = y.item<float>();
        return $"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {torch.__version__}, " +
               $"threads {torch.get_num_threads()}, oneDNN {(OneDnnDisabled ? "off" : "on")}, MKL branch {MklBranchText(MklBranchInEffect())}, check sum(0..3 squared) = {check}";
    }

    /// <summary>
    /// The branch number, and when MKL ran its own choice although MKL_CBWR asked for <see cref="MklCodeBranch"/>, that
    /// it did not take: floats then differ from a machine where it did (docs/models.md, "What is deterministic").
    /// </summary>
    internal static string MklBranchText(int? branch) => branch switch
    {
        null => "unknown",
        MklCbwrAuto when Environment.GetEnvironmentVariable("MKL_CBWR") == MklCodeBranch =>
            $"{MklCbwrAuto} (MKL's own choice: it does not honour MKL_CBWR={MklCodeBranch} on this CPU; MKL_CBWR=COMPATIBLE computes alike on every vendor, slower)",
        { } b => b.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Sets libtorch's intra-op thread count; 0 or less means <see cref="DefaultThreads"/>.</summary>
    public static void SetThreads(int threads)
    {
        torch.set_num_threads(threads > 0 ? threads : DefaultThreads());
    }

    /// <summary>
    /// The default thread count: one. `sal bench train` measured the small presets at batch 8 (the demo's recipe) faster
    /// on one thread than on two even on an idle machine, and one thread cannot collapse when other work shares the
    /// cores (docs/performance.md). Not the cores the load average leaves free: a default that moves with the load
    /// would make the speed, and possibly the floats, of the same command depend on the day. Large batches and presets
    /// can ask for more with `--threads N`.
    /// </summary>
    public static int DefaultThreads() => 1;

    /// <summary>
    /// Makes libgomp's idle threads sleep (OMP_WAIT_POLICY=PASSIVE) unless the user chose a policy. Spin-waiting
    /// threads steal the core a competing process (or our own other thread) needs, which collapsed training under
    /// load. libgomp reads the variable once, when libtorch loads it, and .NET's Environment.SetEnvironmentVariable
    /// does not reach the native environment on Linux, so this calls libc's setenv and must run before anything
    /// touches TorchSharp (the first line of the CLI). Returns the policy in effect.
    /// </summary>
    public static string PreferPassiveOpenMpWait()
    {
        return SetNativeDefault("OMP_WAIT_POLICY", "PASSIVE");
    }

    /// <summary>
    /// Sets an environment variable a native library reads unless the user set it, in the native environment too:
    /// .NET's Environment.SetEnvironmentVariable does not reach libc's on Linux. Returns the value in effect.
    /// </summary>
    private static string SetNativeDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } chosen)
        {
            return chosen;
        }
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = NativeMethods.SetEnv(name, value, 0);
        }
        Environment.SetEnvironmentVariable(name, value);
        return value;
    }

    private static bool DisableOneDnn()
    {
        // TorchSharp has no binding for the flag; it is at::globalContext().setUserEnabledMkldnn(bool) in the
        // libtorch_cpu TorchSharp has already loaded (touching torch first makes sure of that).
        _ = torch.get_num_threads();
        try
        {
            var context = NativeMethods.GlobalContext();
            NativeMethods.SetUserEnabledMkldnn(context, false);
            // NNPACK too (torch.backends.nnpack.set_flags(False)): on this CPU it cannot initialise ("Unsupported
            // hardware"), so it never computed anything, but libtorch tried it and printed that warning for every conv
            // of a batch of 16 or more, burying `sal recipe`'s progress at batch 64. Off, every machine uses the same
            // native conv kernels.
            NativeMethods.SetUserEnabledNnpack(context, false);
            return !NativeMethods.UserEnabledMkldnn(context);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // another ABI (e.g. MSVC names): keep libtorch's default; Describe reports it
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "setenv")]
        public static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

        [DllImport("torch_cpu", EntryPoint = "mkl_serv_cbwr_get")]
        public static extern int MklCbwrGet(int option);

        [DllImport("torch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
        public static extern IntPtr GlobalContext();

        [DllImport("torch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
        public static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [DllImport("torch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
        public static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [DllImport("torch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
        [return: MarshalAs(UnmanagedType.U1)]
        public static extern bool UserEnabledMkldnn(IntPtr context);
    }
}
