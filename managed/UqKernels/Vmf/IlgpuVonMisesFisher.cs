using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>Launches <see cref="VmfKernel"/> on an ILGPU accelerator from host spans.</summary>
internal static class IlgpuVonMisesFisher
{
    // Slots 70–89 belong to this operation, so other operations' scratch views are never overwritten.
    private const int KappaSlot = 70;
    private const int DimensionsSlot = 71;
    private const int FirstOutputSlot = 72;

    /// <summary>One d per launch: the host-built <paramref name="order"/> is a kernel argument.</summary>
    public static void Launch<T, TReal>(IlgpuDevice device, ArrayView<T> kappa, VmfOrder<T> order, VmfOutputViews<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Action<Index1D, ArrayView<T>, VmfOrder<T>, VmfOutputViews<T>> kernel = VmfKernel.Run<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadAutoGroupedKernel(kernel));
        launcher(device.Stream, (int)kappa.Length, kappa, order, outputs);
    }

    /// <summary>One d per element: the constants are built on the device (needs f64 support).</summary>
    public static void LaunchPerElement<T, TReal>(
        IlgpuDevice device, ArrayView<T> kappa, ArrayView<int> dimensions, VmfOutputViews<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Action<Index1D, ArrayView<T>, ArrayView<int>, VmfOutputViews<T>> kernel = VmfKernel.RunPerElement<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadAutoGroupedKernel(kernel));
        launcher(device.Stream, (int)kappa.Length, kappa, dimensions, outputs);
    }

    public static void RunFromHost<T, TReal>(IlgpuDevice device, ReadOnlySpan<T> kappa, VmfOrder<T> order, VmfOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        ArrayView<T> kappaView = device.Scratch<T>(KappaSlot, kappa.Length);
        kappaView.CopyFromCPU(stream, kappa);
        VmfOutputViews<T> views = OutputViews(device, outputs, kappa.Length);
        Launch<T, TReal>(device, kappaView, order, views);
        CopyBack(stream, views, outputs);
    }

    public static void RunPerElementFromHost<T, TReal>(
        IlgpuDevice device, ReadOnlySpan<T> kappa, ReadOnlySpan<int> dimensions, VmfOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        ArrayView<T> kappaView = device.Scratch<T>(KappaSlot, kappa.Length);
        kappaView.CopyFromCPU(stream, kappa);
        ArrayView<int> dimensionsView = device.Scratch<int>(DimensionsSlot, dimensions.Length);
        dimensionsView.CopyFromCPU(stream, dimensions);
        VmfOutputViews<T> views = OutputViews(device, outputs, kappa.Length);
        LaunchPerElement<T, TReal>(device, kappaView, dimensionsView, views);
        CopyBack(stream, views, outputs);
    }

    private static VmfOutputViews<T> OutputViews<T>(IlgpuDevice device, VmfOutputs<T> outputs, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int slot = FirstOutputSlot;
        return new VmfOutputViews<T>
        {
            LogNormalizer = IlgpuRowStatistics.OutputView(device, ref slot, outputs.LogNormalizer, count),
            LogNormalizerDelta = IlgpuRowStatistics.OutputView(device, ref slot, outputs.LogNormalizerDelta, count),
            ScaledLogNormalizer = IlgpuRowStatistics.OutputView(device, ref slot, outputs.ScaledLogNormalizer, count),
            MeanResultantLength = IlgpuRowStatistics.OutputView(device, ref slot, outputs.MeanResultantLength, count),
            OneMinusMeanResultantLength = IlgpuRowStatistics.OutputView(device, ref slot, outputs.OneMinusMeanResultantLength, count),
            MeanResultantLengthDerivative = IlgpuRowStatistics.OutputView(device, ref slot, outputs.MeanResultantLengthDerivative, count),
            Entropy = IlgpuRowStatistics.OutputView(device, ref slot, outputs.Entropy, count),
            KlToUniform = IlgpuRowStatistics.OutputView(device, ref slot, outputs.KlToUniform, count),
            EntropyDerivative = IlgpuRowStatistics.OutputView(device, ref slot, outputs.EntropyDerivative, count),
            KlToUniformDerivative = IlgpuRowStatistics.OutputView(device, ref slot, outputs.KlToUniformDerivative, count),
        };
    }

    private static void CopyBack<T>(AcceleratorStream stream, VmfOutputViews<T> views, VmfOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IlgpuRowStatistics.CopyBack(stream, views.LogNormalizer, outputs.LogNormalizer);
        IlgpuRowStatistics.CopyBack(stream, views.LogNormalizerDelta, outputs.LogNormalizerDelta);
        IlgpuRowStatistics.CopyBack(stream, views.ScaledLogNormalizer, outputs.ScaledLogNormalizer);
        IlgpuRowStatistics.CopyBack(stream, views.MeanResultantLength, outputs.MeanResultantLength);
        IlgpuRowStatistics.CopyBack(stream, views.OneMinusMeanResultantLength, outputs.OneMinusMeanResultantLength);
        IlgpuRowStatistics.CopyBack(stream, views.MeanResultantLengthDerivative, outputs.MeanResultantLengthDerivative);
        IlgpuRowStatistics.CopyBack(stream, views.Entropy, outputs.Entropy);
        IlgpuRowStatistics.CopyBack(stream, views.KlToUniform, outputs.KlToUniform);
        IlgpuRowStatistics.CopyBack(stream, views.EntropyDerivative, outputs.EntropyDerivative);
        IlgpuRowStatistics.CopyBack(stream, views.KlToUniformDerivative, outputs.KlToUniformDerivative);
        stream.Synchronize();
    }
}
