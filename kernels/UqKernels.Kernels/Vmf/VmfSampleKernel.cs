using System.Numerics;
using ILGPU;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Vmf;

/// <summary>Output views of <see cref="VmfSampleKernel.Run{T, TReal}"/>; an empty view means "not requested".</summary>
/// <typeparam name="T">The compute (and output) type.</typeparam>
public struct VmfSampleOutputViews<T>
    where T : unmanaged
{
    /// <summary><c>[N, S, d]</c> samples (required).</summary>
    public ArrayView<T> Samples;

    /// <summary><c>[N, S]</c> cosines <c>w = μ̂ᵀx</c>.</summary>
    public ArrayView<T> Cosines;

    /// <summary><c>[N, S]</c> proposals used (0 = cap reached, sample NaN).</summary>
    public ArrayView<int> Proposals;
}

/// <summary>Input and output views of <see cref="VmfSampleKernel.Backward{T, TReal}"/>.</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct VmfSampleGradientViews<T>
    where T : unmanaged
{
    /// <summary><c>[N, S, d]</c> upstream gradient <c>∂L/∂x</c>.</summary>
    public ArrayView<T> Upstream;

    /// <summary><c>[N, d]</c> result <c>∂L/∂μ</c> (always written; also the accumulator).</summary>
    public ArrayView<T> Mu;

    /// <summary><c>[N]</c> result <c>∂L/∂κ</c> (empty: not requested).</summary>
    public ArrayView<T> Kappa;
}

/// <summary>A row of <c>μ</c> and of the samples in device memory.</summary>
/// <typeparam name="T">The element type.</typeparam>
public struct VmfSampleViewRow<T> : IVmfSampleRow<T>
    where T : unmanaged
{
    /// <summary>All of μ.</summary>
    public ArrayView<T> MuView;

    /// <summary>Start of this row in <see cref="MuView"/>.</summary>
    public long MuStart;

    /// <summary>All samples.</summary>
    public ArrayView<T> XView;

    /// <summary>Start of this sample in <see cref="XView"/>.</summary>
    public long XStart;

    /// <inheritdoc/>
    public readonly T Mu(int j) => MuView[MuStart + j];

    /// <inheritdoc/>
    public readonly T Read(int j) => XView[XStart + j];

    /// <inheritdoc/>
    public readonly void Write(int j, T value) => XView[XStart + j] = value;
}

/// <summary>A backward row in device memory: μ, the upstream gradient of one sample, and the <c>∂L/∂μ̂</c> accumulator.</summary>
/// <typeparam name="T">The element type.</typeparam>
public struct VmfGradientViewRow<T> : IVmfGradientRow<T>
    where T : unmanaged
{
    /// <summary>All of μ.</summary>
    public ArrayView<T> MuView;

    /// <summary>Start of this row in <see cref="MuView"/> and in <see cref="AccumulatorView"/>.</summary>
    public long MuStart;

    /// <summary>All upstream gradients.</summary>
    public ArrayView<T> UpstreamView;

    /// <summary>Start of this element's first sample in <see cref="UpstreamView"/> (<c>i·S·d</c>).</summary>
    public long UpstreamBase;

    /// <summary>Start of the current sample in <see cref="UpstreamView"/>.</summary>
    public long UpstreamStart;

    /// <summary>The dimension d (the stride of samples).</summary>
    public int Dimension;

    /// <summary>The <c>[N, d]</c> accumulator.</summary>
    public ArrayView<T> AccumulatorView;

    /// <inheritdoc/>
    public readonly T Mu(int j) => MuView[MuStart + j];

    /// <inheritdoc/>
    public void SelectSample(int sample) => UpstreamStart = UpstreamBase + ((long)sample * Dimension);

    /// <inheritdoc/>
    public readonly T Upstream(int j) => UpstreamView[UpstreamStart + j];

    /// <inheritdoc/>
    public readonly T ReadAccumulator(int j) => AccumulatorView[MuStart + j];

    /// <inheritdoc/>
    public readonly void WriteAccumulator(int j, T value) => AccumulatorView[MuStart + j] = value;
}

/// <summary>
/// The von Mises–Fisher sampler and its backward pass on ILGPU (vmf_mcinfonce.md §4): one thread per sample (forward)
/// or per element (backward), each calling <see cref="VmfSampler"/> — the same functions as the CPU path, so both
/// draw the same samples from the same (seed, offset) up to the rounding of the device <c>log</c>/<c>exp</c>/<c>sqrt</c>.
/// Bounded work per thread: at most <see cref="VmfSampler.MaxProposals"/> proposals.
/// </summary>
public static class VmfSampleKernel
{
    /// <summary>
    /// Implicitly grouped: thread <paramref name="index"/> = <c>i·S + s</c> draws sample s of element i into
    /// <c>samples[(i·S + s)·d …]</c> and writes the requested cosine and proposal count.
    /// </summary>
    /// <param name="index">The sample.</param>
    /// <param name="mu"><c>[N, d]</c> mean directions.</param>
    /// <param name="muScale"><c>[N]</c> <c>1/‖μ_i‖</c>.</param>
    /// <param name="kappa"><c>[N]</c> concentrations.</param>
    /// <param name="parameters">Launch constants.</param>
    /// <param name="outputs">Where to write.</param>
    public static void Run<T, TReal>(
        Index1D index, ArrayView<T> mu, ArrayView<T> muScale, ArrayView<T> kappa, VmfSampleParameters<T> parameters,
        VmfSampleOutputViews<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int sampleIndex = index;
        int element = sampleIndex / parameters.Samples;
        int sample = sampleIndex - (element * parameters.Samples);
        VmfSampleElement<T> el = VmfSampler.Element<T, TReal>(parameters, kappa[element]);
        var row = new VmfSampleViewRow<T>
        {
            MuView = mu,
            MuStart = (long)element * parameters.Dimension,
            XView = outputs.Samples,
            XStart = (long)sampleIndex * parameters.Dimension,
        };
        VmfCosineSample<T> cosine = VmfSampler.SampleRow<T, TReal, VmfSampleViewRow<T>>(
            parameters, el, (uint)element, (uint)sample, muScale[element], ref row);
        OptionalOutput.Store(outputs.Cosines, sampleIndex, cosine.W);
        OptionalOutput.Store(outputs.Proposals, sampleIndex, cosine.Proposals);
    }

    /// <summary>
    /// Implicitly grouped: thread <paramref name="index"/> = element i regenerates its S samples and writes
    /// <c>∂L/∂μ_i = (I − μ̂μ̂ᵀ)(Σ_s ∂L/∂μ̂)/‖μ_i‖</c> and <c>∂L/∂κ_i = Σ_s ∂L/∂w_s · dw_s/dκ</c> with dw/dκ of
    /// <paramref name="gradientMode"/> (0: the reference pathwise, 1: the exact implicit gradient).
    /// </summary>
    /// <param name="index">The element.</param>
    /// <param name="mu"><c>[N, d]</c> mean directions.</param>
    /// <param name="muScale"><c>[N]</c> <c>1/‖μ_i‖</c>.</param>
    /// <param name="kappa"><c>[N]</c> concentrations.</param>
    /// <param name="parameters">Launch constants (those of the forward pass).</param>
    /// <param name="order">The dimension's vMF constants (for <c>A_d(κ)</c> in the implicit gradient).</param>
    /// <param name="gradientMode">0 pathwise, 1 implicit.</param>
    /// <param name="gradients">Upstream gradient and results.</param>
    public static void Backward<T, TReal>(
        Index1D index, ArrayView<T> mu, ArrayView<T> muScale, ArrayView<T> kappa, VmfSampleParameters<T> parameters,
        VmfOrder<T> order, int gradientMode, VmfSampleGradientViews<T> gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int element = index;
        int d = parameters.Dimension;
        long start = (long)element * d;
        T dKappa = VmfSampler.BackwardElement<T, TReal, VmfGradientViewRow<T>>(
            parameters, order, gradientMode, (uint)element, kappa[element], muScale[element],
            new VmfGradientViewRow<T>
            {
                MuView = mu,
                MuStart = start,
                UpstreamView = gradients.Upstream,
                UpstreamBase = start * parameters.Samples,
                Dimension = d,
                AccumulatorView = gradients.Mu,
            });
        OptionalOutput.Store(gradients.Kappa, element, dKappa);
    }
}
