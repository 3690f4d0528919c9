using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>Launches <see cref="VmfPairKernel"/> on an ILGPU accelerator from host spans.</summary>
internal static class IlgpuVonMisesFisherPair
{
    // Slots 120–129 belong to the pair operations, so other operations' scratch views are never overwritten.
    private const int Kappa1Slot = 120;
    private const int Kappa2Slot = 121;
    private const int CosineSlot = 122;
    private const int FirstOutputSlot = 123; // 123–125: at most three outputs per operation
    private const int FirstVectorSlot = 126;
    private const int SecondVectorSlot = 127;

    public static void Kl<T, TReal>(
        IlgpuDevice device, ReadOnlySpan<T> kappa1, ReadOnlySpan<T> kappa2, in VmfPairGeometry<T> geometry, VmfOrder<T> order,
        VmfKlOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        int count = kappa1.Length;
        ArrayView<T> k1 = Upload(device, Kappa1Slot, kappa1);
        ArrayView<T> k2 = Upload(device, Kappa2Slot, kappa2);
        ArrayView<T> cosines = Cosines<T, TReal>(device, geometry, count);
        int slot = FirstOutputSlot;
        var views = new VmfKlOutputViews<T>
        {
            Divergence = IlgpuRowStatistics.OutputView(device, ref slot, outputs.Divergence, count),
            DerivativeKappa1 = IlgpuRowStatistics.OutputView(device, ref slot, outputs.DerivativeKappa1, count),
            DerivativeKappa2 = IlgpuRowStatistics.OutputView(device, ref slot, outputs.DerivativeKappa2, count),
        };
        Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, VmfOrder<T>, VmfKlOutputViews<T>> kernel =
            VmfPairKernel.RunKl<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadAutoGroupedKernel(kernel));
        launcher(stream, count, k1, k2, cosines, order, views);
        IlgpuRowStatistics.CopyBack(stream, views.Divergence, outputs.Divergence);
        IlgpuRowStatistics.CopyBack(stream, views.DerivativeKappa1, outputs.DerivativeKappa1);
        IlgpuRowStatistics.CopyBack(stream, views.DerivativeKappa2, outputs.DerivativeKappa2);
        stream.Synchronize();
    }

    public static void ExpectedLikelihoodKernel<T, TReal>(
        IlgpuDevice device, ReadOnlySpan<T> kappa1, ReadOnlySpan<T> kappa2, in VmfPairGeometry<T> geometry, VmfOrder<T> order,
        T rho, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        int count = kappa1.Length;
        ArrayView<T> k1 = Upload(device, Kappa1Slot, kappa1);
        ArrayView<T> k2 = Upload(device, Kappa2Slot, kappa2);
        ArrayView<T> cosines = Cosines<T, TReal>(device, geometry, count);
        ArrayView<T> output = device.Scratch<T>(FirstOutputSlot, count);
        Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, VmfOrder<T>, T, ArrayView<T>> kernel =
            VmfPairKernel.RunExpectedLikelihoodKernel<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadAutoGroupedKernel(kernel));
        launcher(stream, count, k1, k2, cosines, order, rho, output);
        IlgpuRowStatistics.CopyBack(stream, output, destination);
        stream.Synchronize();
    }

    public static void LogDensity<T, TReal>(
        IlgpuDevice device, ReadOnlySpan<T> kappa, in VmfPairGeometry<T> geometry, VmfOrder<T> order, VmfLogDensityOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        int count = kappa.Length;
        ArrayView<T> k = Upload(device, Kappa1Slot, kappa);
        ArrayView<T> cosines = Cosines<T, TReal>(device, geometry, count);
        int slot = FirstOutputSlot;
        var views = new VmfLogDensityOutputViews<T>
        {
            LogDensity = IlgpuRowStatistics.OutputView(device, ref slot, outputs.LogDensity, count),
            DerivativeKappa = IlgpuRowStatistics.OutputView(device, ref slot, outputs.DerivativeKappa, count),
        };
        Action<Index1D, ArrayView<T>, ArrayView<T>, VmfOrder<T>, VmfLogDensityOutputViews<T>> kernel =
            VmfPairKernel.RunLogDensity<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadAutoGroupedKernel(kernel));
        launcher(stream, count, k, cosines, order, views);
        IlgpuRowStatistics.CopyBack(stream, views.LogDensity, outputs.LogDensity);
        IlgpuRowStatistics.CopyBack(stream, views.DerivativeKappa, outputs.DerivativeKappa);
        stream.Synchronize();
    }

    private static ArrayView<T> Upload<T>(IlgpuDevice device, int slot, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        ArrayView<T> view = device.Scratch<T>(slot, values.Length);
        view.CopyFromCPU(device.Stream, values);
        return view;
    }

    /// <summary>
    /// The <c>[N]</c> device view of <c>1 − cos</c>: the caller's values uploaded, or <c>‖a − b‖²/2</c> computed on the
    /// device by <see cref="VmfPairKernel.HalfSquaredDistance{T, TReal}"/> from the uploaded unit vectors.
    /// </summary>
    private static ArrayView<T> Cosines<T, TReal>(IlgpuDevice device, in VmfPairGeometry<T> geometry, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        if (!geometry.FromVectors)
        {
            return Upload(device, CosineSlot, geometry.OneMinusCosine);
        }

        int columns = geometry.Columns;
        ArrayView<T> a = Upload(device, FirstVectorSlot, geometry.First);
        ArrayView<T> b = Upload(device, SecondVectorSlot, geometry.Second);
        ArrayView<T> cosines = device.Scratch<T>(CosineSlot, count);
        Action<ArrayView<T>, ArrayView<T>, int, int, ArrayView<T>> kernel = VmfPairKernel.HalfSquaredDistance<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadKernel(kernel));
        int groupSize = device.ReductionGroupSize(columns, VmfPairKernel.MaxGroupSize);
        int groups = Math.Min(count, 1 << 16);
        launcher(device.Stream, new KernelConfig(groups, groupSize), a, b, count, columns, cosines);
        return cosines;
    }
}
