using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using StreamingAnchor.Models;

namespace StreamingAnchor.Tests;

/// <summary>
/// The native settings the CLI applies on its first line, applied before any test can touch libtorch: MKL reads its
/// code branch once, at its first call, so without this the branch would depend on which test happened to run first.
/// </summary>
internal static class NativeSettings
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The test assembly is the process's entry point here, as Program.cs is for the CLI.")]
    internal static void Apply()
    {
        TorchRuntime.PreferPassiveOpenMpWait();
        TorchRuntime.PinMklCodeBranch();
    }
}
