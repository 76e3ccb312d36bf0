using System.Runtime.InteropServices;
using StreamingAnchor.Anchors;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamingAnchor.Losses;

/// <summary>
/// <see cref="TemporalSignificance"/> as a [B,T] tensor for the losses: the plane is computed on the CPU by the
/// tensor-free Anchors layer and lands in a tensor here with one copy.
/// </summary>
public static class SignificanceTensor
{
    /// <summary>[B,T] significance tensor of the given dtype on the given device.</summary>
    public static Tensor Compute(SignificanceKernel kernel, IReadOnlyList<double[]> anchors, int frames,
        ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var values = TemporalSignificance.Compute(kernel, anchors, frames);
        return FromPlane(values, anchors.Count, frames, dtype, device);
    }

    /// <summary>Copies a row-major [B,T] plane of doubles into a tensor of the given dtype and device.</summary>
    internal static Tensor FromPlane(double[] values, int batch, int frames, ScalarType dtype, Device? device)
    {
        var tensor = torch.empty(new long[] { batch, frames }, dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32);
        if (tensor.dtype == ScalarType.Float64)
        {
            values.AsSpan().CopyTo(MemoryMarshal.Cast<byte, double>(tensor.bytes));
        }
        else
        {
            var destination = MemoryMarshal.Cast<byte, float>(tensor.bytes);
            for (var i = 0; i < values.Length; i++)
            {
                destination[i] = (float)values[i];
            }
        }
        return Place(tensor, dtype, device);
    }

    /// <summary>Converts a freshly made CPU tensor to <paramref name="dtype"/> and moves it to <paramref name="device"/>, disposing the original.</summary>
    internal static Tensor Place(Tensor cpu, ScalarType dtype, Device? device)
    {
        if (cpu.dtype != dtype)
        {
            var converted = cpu.to_type(dtype);
            cpu.Dispose();
            cpu = converted;
        }
        if (device is null || device.type == DeviceType.CPU)
        {
            return cpu;
        }
        var moved = cpu.to(device);
        cpu.Dispose();
        return moved;
    }
}
