using System.Numerics;
using ILGPU;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Vmf;

/// <summary>
/// Output views of <see cref="VmfKernel"/>, each <c>[N]</c> (one element per κ); an empty view means "not requested"
/// and is never written.
/// </summary>
/// <typeparam name="T">The compute (and output) type.</typeparam>
public struct VmfOutputViews<T>
    where T : unmanaged
{
    /// <summary><c>log C_d(κ)</c>.</summary>
    public ArrayView<T> LogNormalizer;

    /// <summary><c>ΔL = log C_d(κ) − log C_d(0)</c>.</summary>
    public ArrayView<T> LogNormalizerDelta;

    /// <summary><c>logCe = log C_d(κ) + κ</c>.</summary>
    public ArrayView<T> ScaledLogNormalizer;

    /// <summary><c>A = I_{d/2}(κ)/I_{d/2−1}(κ)</c>.</summary>
    public ArrayView<T> MeanResultantLength;

    /// <summary><c>1 − A</c>.</summary>
    public ArrayView<T> OneMinusMeanResultantLength;

    /// <summary><c>A′ = dA/dκ</c>.</summary>
    public ArrayView<T> MeanResultantLengthDerivative;

    /// <summary>Entropy <c>H = −log C_d(κ) − κA</c>.</summary>
    public ArrayView<T> Entropy;

    /// <summary><c>KL(vMF ‖ uniform)</c>.</summary>
    public ArrayView<T> KlToUniform;

    /// <summary><c>dH/dκ = −κA′</c>.</summary>
    public ArrayView<T> EntropyDerivative;

    /// <summary><c>dKL_U/dκ = κA′</c>.</summary>
    public ArrayView<T> KlToUniformDerivative;
}

/// <summary>
/// The batched von Mises–Fisher scalars (vmf_mcinfonce.md §1–3): one thread per κ, each calling
/// <see cref="VmfMath.Evaluate{T, TReal}"/> (bounded work: ≤ 64 series terms or one 12-term Debye sum, no shared
/// memory, no atomics), so every backend computes exactly the CPU path's algebra.
/// </summary>
public static class VmfKernel
{
    /// <summary>
    /// Implicitly grouped kernel, one d per launch: thread <paramref name="index"/> evaluates κ[index] with the host-built
    /// constants <paramref name="order"/> (<see cref="VmfMath.Order{T, TReal}"/>) and writes every requested output.
    /// κ &lt; 0 or NaN gives NaN, κ = +∞ the limits of <see cref="VmfMath.Evaluate{T, TReal}"/>.
    /// </summary>
    /// <param name="index">The element.</param>
    /// <param name="kappa"><c>[N]</c> concentrations.</param>
    /// <param name="order">The dimension's constants.</param>
    /// <param name="outputs">Where to write; empty views are skipped.</param>
    public static void Run<T, TReal>(Index1D index, ArrayView<T> kappa, VmfOrder<T> order, VmfOutputViews<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfScalars<T> scalars = VmfMath.Evaluate<T, TReal>(order, kappa[index]);
        Write(outputs, index, scalars);
    }

    /// <summary>
    /// Implicitly grouped kernel, one d per element: thread <paramref name="index"/> builds the constants of
    /// <c>dimensions[index]</c> with <see cref="VmfMath.Order{T, TReal}"/> (f64 arithmetic: needs a device with f64 —
    /// CUDA, OpenCL with <c>cl_khr_fp64</c>, the CPU accelerator) and evaluates κ[index]. A dimension below 2 gives NaN.
    /// Costs about one extra f64 <c>lgamma</c> and one Debye sum per element.
    /// </summary>
    /// <param name="index">The element.</param>
    /// <param name="kappa"><c>[N]</c> concentrations.</param>
    /// <param name="dimensions"><c>[N]</c> dimensions d.</param>
    /// <param name="outputs">Where to write; empty views are skipped.</param>
    public static void RunPerElement<T, TReal>(
        Index1D index, ArrayView<T> kappa, ArrayView<int> dimensions, VmfOutputViews<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfOrder<T> order = VmfMath.Order<T, TReal>(dimensions[index]);
        VmfScalars<T> scalars = VmfMath.Evaluate<T, TReal>(order, kappa[index]);
        Write(outputs, index, scalars);
    }

    private static void Write<T>(in VmfOutputViews<T> outputs, int index, in VmfScalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OptionalOutput.Store(outputs.LogNormalizer, index, s.LogNormalizer);
        OptionalOutput.Store(outputs.LogNormalizerDelta, index, s.LogNormalizerDelta);
        OptionalOutput.Store(outputs.ScaledLogNormalizer, index, s.ScaledLogNormalizer);
        OptionalOutput.Store(outputs.MeanResultantLength, index, s.MeanResultantLength);
        OptionalOutput.Store(outputs.OneMinusMeanResultantLength, index, s.OneMinusMeanResultantLength);
        OptionalOutput.Store(outputs.MeanResultantLengthDerivative, index, s.MeanResultantLengthDerivative);
        OptionalOutput.Store(outputs.Entropy, index, s.Entropy);
        OptionalOutput.Store(outputs.KlToUniform, index, s.KlToUniform);
        OptionalOutput.Store(outputs.EntropyDerivative, index, s.EntropyDerivative);
        OptionalOutput.Store(outputs.KlToUniformDerivative, index, s.KlToUniformDerivative);
    }
}
