using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>Launches <see cref="VmfSampleKernel"/> on an ILGPU accelerator from host spans.</summary>
internal static class IlgpuVmfSampler
{
    // Slots 110–119 belong to the sampler.
    private const int MuSlot = 110;
    private const int ScaleSlot = 111;
    private const int KappaSlot = 112;
    private const int SamplesSlot = 113;
    private const int CosinesSlot = 114;
    private const int ProposalsSlot = 115;
    private const int UpstreamSlot = 116;
    private const int GradientMuSlot = 117;
    private const int GradientKappaSlot = 118;

    public static void Launch<T, TReal>(
        IlgpuDevice device, ArrayView<T> mu, ArrayView<T> muScale, ArrayView<T> kappa, VmfSampleParameters<T> parameters,
        VmfSampleOutputViews<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, VmfSampleParameters<T>, VmfSampleOutputViews<T>> kernel =
            VmfSampleKernel.Run<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadAutoGroupedKernel(kernel));
        launcher(device.Stream, (int)(kappa.Length * parameters.Samples), mu, muScale, kappa, parameters, outputs);
    }

    public static void LaunchBackward<T, TReal>(
        IlgpuDevice device, ArrayView<T> mu, ArrayView<T> muScale, ArrayView<T> kappa, VmfSampleParameters<T> parameters,
        VmfOrder<T> order, int gradientMode, VmfSampleGradientViews<T> gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, VmfSampleParameters<T>, VmfOrder<T>, int, VmfSampleGradientViews<T>> kernel =
            VmfSampleKernel.Backward<T, TReal>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadAutoGroupedKernel(kernel));
        launcher(device.Stream, (int)kappa.Length, mu, muScale, kappa, parameters, order, gradientMode, gradients);
    }

    public static void RunFromHost<T, TReal>(
        IlgpuDevice device, ReadOnlySpan<T> mu, T[] muScale, ReadOnlySpan<T> kappa, VmfSampleParameters<T> parameters,
        VmfSampleOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        (ArrayView<T> muView, ArrayView<T> scaleView, ArrayView<T> kappaView) = Upload(device, mu, muScale, kappa);
        int count = kappa.Length * parameters.Samples;
        long values = (long)count * parameters.Dimension;
        var views = new VmfSampleOutputViews<T>
        {
            Samples = device.Scratch<T>(SamplesSlot, values),
            Cosines = outputs.Cosines.IsEmpty ? default : device.Scratch<T>(CosinesSlot, count),
            Proposals = outputs.Proposals.IsEmpty ? default : device.Scratch<int>(ProposalsSlot, count),
        };
        Launch<T, TReal>(device, muView, scaleView, kappaView, parameters, views);
        views.Samples.CopyToCPU(stream, outputs.Samples[..(int)values]);
        IlgpuRowStatistics.CopyBack(stream, views.Cosines, outputs.Cosines);
        IlgpuRowStatistics.CopyBack(stream, views.Proposals, outputs.Proposals);
        stream.Synchronize();
    }

    public static void BackwardFromHost<T, TReal>(
        IlgpuDevice device, ReadOnlySpan<T> mu, T[] muScale, ReadOnlySpan<T> kappa, ReadOnlySpan<T> upstream,
        VmfSampleParameters<T> parameters, VmfOrder<T> order, int gradientMode, VmfSampleGradients<T> gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        AcceleratorStream stream = device.Stream;
        (ArrayView<T> muView, ArrayView<T> scaleView, ArrayView<T> kappaView) = Upload(device, mu, muScale, kappa);
        ArrayView<T> upstreamView = device.Scratch<T>(UpstreamSlot, upstream.Length);
        upstreamView.CopyFromCPU(stream, upstream);
        var views = new VmfSampleGradientViews<T>
        {
            Upstream = upstreamView,
            Mu = device.Scratch<T>(GradientMuSlot, mu.Length),
            Kappa = gradients.Kappa.IsEmpty ? default : device.Scratch<T>(GradientKappaSlot, kappa.Length),
        };
        LaunchBackward<T, TReal>(device, muView, scaleView, kappaView, parameters, order, gradientMode, views);
        IlgpuRowStatistics.CopyBack(stream, gradients.Mu.IsEmpty ? default : views.Mu, gradients.Mu);
        IlgpuRowStatistics.CopyBack(stream, views.Kappa, gradients.Kappa);
        stream.Synchronize();
    }

    private static (ArrayView<T> Mu, ArrayView<T> Scale, ArrayView<T> Kappa) Upload<T>(
        IlgpuDevice device, ReadOnlySpan<T> mu, T[] muScale, ReadOnlySpan<T> kappa)
        where T : unmanaged
    {
        AcceleratorStream stream = device.Stream;
        ArrayView<T> muView = device.Scratch<T>(MuSlot, mu.Length);
        muView.CopyFromCPU(stream, mu);
        ArrayView<T> scaleView = device.Scratch<T>(ScaleSlot, muScale.Length);
        scaleView.CopyFromCPU(stream, muScale);
        ArrayView<T> kappaView = device.Scratch<T>(KappaSlot, kappa.Length);
        kappaView.CopyFromCPU(stream, kappa);
        return (muView, scaleView, kappaView);
    }
}
