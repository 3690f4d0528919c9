using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using UqKernels.Kernels.Ranking;

namespace UqKernels;

/// <summary>Launches <see cref="NearestNeighbourKernel"/> on an ILGPU accelerator (scratch slots 100–101).</summary>
internal static class NearestNeighbourIlgpu
{
    private const int FeaturesSlot = 100;
    private const int NearestSlot = 101;

    /// <summary>Uploads the normalised, padded features, runs the kernel and copies the nearest indices back.</summary>
    public static void Search<T>(IlgpuDevice device, T[] features, int rows, int paddedRows, int paddedColumns, int[] nearest)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Action<ArrayView<T>, int, int, int, int, ArrayView<int>> kernel = NearestNeighbourKernel.Run<T>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadKernel(kernel));
        int tile = NearestNeighbourKernel.MaxTile;
        while (tile > 4 && tile * tile > device.Accelerator.MaxNumThreadsPerGroup)
        {
            tile /= 2;
        }

        AcceleratorStream stream = device.Stream;
        ArrayView<T> featuresView = device.Scratch<T>(FeaturesSlot, features.Length);
        featuresView.CopyFromCPU(stream, features);
        ArrayView<int> nearestView = device.Scratch<int>(NearestSlot, rows);
        int groups = Math.Min(paddedRows / tile, 1 << 16);
        launcher(stream, new KernelConfig(groups, tile * tile), featuresView, rows, paddedRows, paddedColumns, tile, nearestView);
        nearestView.CopyToCPU(stream, nearest.AsSpan(0, rows));
        stream.Synchronize();
    }
}
