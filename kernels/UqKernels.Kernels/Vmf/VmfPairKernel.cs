using System.Numerics;
using ILGPU;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Vmf;

/// <summary>
/// Output views of <see cref="VmfPairKernel.RunKl{T, TReal}"/>, each <c>[N]</c>; an empty view means "not requested"
/// and is never written.
/// </summary>
/// <typeparam name="T">The compute (and output) type.</typeparam>
public struct VmfKlOutputViews<T>
    where T : unmanaged
{
    /// <summary><c>KL(vMF(μ₁, κ₁) ‖ vMF(μ₂, κ₂))</c>.</summary>
    public ArrayView<T> Divergence;

    /// <summary><c>∂KL/∂κ₁</c>.</summary>
    public ArrayView<T> DerivativeKappa1;

    /// <summary><c>∂KL/∂κ₂</c>.</summary>
    public ArrayView<T> DerivativeKappa2;
}

/// <summary>
/// Output views of <see cref="VmfPairKernel.RunLogDensity{T, TReal}"/>, each <c>[N]</c>; an empty view means "not
/// requested" and is never written.
/// </summary>
/// <typeparam name="T">The compute (and output) type.</typeparam>
public struct VmfLogDensityOutputViews<T>
    where T : unmanaged
{
    /// <summary><c>log p(x) = log C_d(κ) + κ μᵀx</c>.</summary>
    public ArrayView<T> LogDensity;

    /// <summary><c>∂ log p/∂κ</c>.</summary>
    public ArrayView<T> DerivativeKappa;
}

/// <summary>
/// The per-element math of the batched von Mises–Fisher pair operations (vmf_mcinfonce.md §1): KL between two vMFs
/// with its κ-gradients, the expected-likelihood / probability-product kernel, and the log-density with its
/// κ-derivative, each from <c>1 − cos</c>. Shared by the CPU path and <see cref="VmfPairKernel"/>, so every backend
/// evaluates the same algebra (<see cref="VmfMath"/>'s scalar core and pair functions).
/// </summary>
/// <remarks>Device rules as in <see cref="VmfMath"/>: static, no allocation, bounded work.</remarks>
public static class VmfPairMath
{
    /// <summary>
    /// <c>KL(vMF(μ₁, κ₁) ‖ vMF(μ₂, κ₂))</c> (<see cref="VmfMath.KlDivergence{T, TReal}"/>) and its κ-gradients
    /// <c>∂KL/∂κ₁ = A₁′((κ₁ − κ₂) + κ₂(1 − cos))</c>, <c>∂KL/∂κ₂ = ((1 − A₁) − (1 − A₂)) + A₁(1 − cos)</c>.
    /// </summary>
    /// <param name="order">The dimension's constants.</param>
    /// <param name="kappa1">κ₁ ≥ 0, finite.</param>
    /// <param name="kappa2">κ₂ ≥ 0, finite.</param>
    /// <param name="oneMinusCosine"><c>1 − μ₁ᵀμ₂ ∈ [0, 2]</c>.</param>
    /// <param name="divergence">The KL divergence.</param>
    /// <param name="derivativeKappa1"><c>∂KL/∂κ₁</c>.</param>
    /// <param name="derivativeKappa2"><c>∂KL/∂κ₂</c>.</param>
    public static void Kl<T, TReal>(
        in VmfOrder<T> order, T kappa1, T kappa2, T oneMinusCosine, out T divergence, out T derivativeKappa1, out T derivativeKappa2)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfScalars<T> first = VmfMath.Evaluate<T, TReal>(order, kappa1);
        VmfScalars<T> second = VmfMath.Evaluate<T, TReal>(order, kappa2);
        divergence = VmfMath.KlDivergence<T, TReal>(order, first, second, oneMinusCosine);
        derivativeKappa1 = VmfMath.KlDivergenceDerivativeKappa1(first, second, oneMinusCosine);
        derivativeKappa2 = VmfMath.KlDivergenceDerivativeKappa2(first, second, oneMinusCosine);
    }

    /// <summary>
    /// <c>log ∫ p₁^ρ p₂^ρ = ρ(log C(κ₁) + log C(κ₂)) − log C(ρ‖κ₁μ₁ + κ₂μ₂‖)</c>
    /// (<see cref="VmfMath.ExpectedLikelihoodKernel{T, TReal}"/>).
    /// </summary>
    /// <param name="order">The dimension's constants.</param>
    /// <param name="kappa1">κ₁ ≥ 0, finite.</param>
    /// <param name="kappa2">κ₂ ≥ 0, finite.</param>
    /// <param name="oneMinusCosine"><c>1 − μ₁ᵀμ₂ ∈ [0, 2]</c>.</param>
    /// <param name="rho">The kernel order ρ &gt; 0.</param>
    public static T ExpectedLikelihoodKernel<T, TReal>(in VmfOrder<T> order, T kappa1, T kappa2, T oneMinusCosine, T rho)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfScalars<T> first = VmfMath.Evaluate<T, TReal>(order, kappa1);
        VmfScalars<T> second = VmfMath.Evaluate<T, TReal>(order, kappa2);
        return VmfMath.ExpectedLikelihoodKernel<T, TReal>(order, first, second, oneMinusCosine, rho);
    }

    /// <summary>
    /// <c>log p(x) = logCe(κ) − κ(1 − μᵀx)</c> and <c>∂ log p/∂κ = (1 − A) − (1 − μᵀx)</c>
    /// (<see cref="VmfMath.LogDensity{T}"/>, <see cref="VmfMath.LogDensityDerivativeKappa{T}"/>).
    /// </summary>
    /// <param name="order">The dimension's constants.</param>
    /// <param name="kappa">κ ≥ 0, finite.</param>
    /// <param name="oneMinusCosine"><c>1 − μᵀx ∈ [0, 2]</c>.</param>
    /// <param name="logDensity">The log-density.</param>
    /// <param name="derivativeKappa">Its κ-derivative.</param>
    public static void LogDensity<T, TReal>(in VmfOrder<T> order, T kappa, T oneMinusCosine, out T logDensity, out T derivativeKappa)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfScalars<T> scalars = VmfMath.Evaluate<T, TReal>(order, kappa);
        logDensity = VmfMath.LogDensity(scalars, oneMinusCosine);
        derivativeKappa = VmfMath.LogDensityDerivativeKappa(scalars, oneMinusCosine);
    }
}

/// <summary>
/// The batched von Mises–Fisher pair kernels: element-wise KL / ELK / log-density from <c>1 − cos</c> (implicitly
/// grouped, one thread per element, one d per launch, calling <see cref="VmfPairMath"/>), and the explicitly grouped
/// row kernel that forms <c>1 − aᵀb = ‖a − b‖²/2</c> from unit vectors.
/// </summary>
public static class VmfPairKernel
{
    /// <summary>Largest group the half-squared-distance kernel's shared-memory tree is sized for.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>
    /// Element <paramref name="index"/>: <c>KL(vMF(μ₁, κ₁[i]) ‖ vMF(μ₂, κ₂[i]))</c> and its κ-gradients from
    /// <c>1 − μ₁ᵀμ₂ = oneMinusCosine[i]</c>; writes every requested output.
    /// </summary>
    /// <param name="index">The element.</param>
    /// <param name="kappa1"><c>[N]</c> κ₁.</param>
    /// <param name="kappa2"><c>[N]</c> κ₂.</param>
    /// <param name="oneMinusCosine"><c>[N]</c> <c>1 − μ₁ᵀμ₂</c>.</param>
    /// <param name="order">The dimension's constants (<see cref="VmfMath.Order{T, TReal}"/>).</param>
    /// <param name="outputs">Where to write; empty views are skipped.</param>
    public static void RunKl<T, TReal>(
        Index1D index, ArrayView<T> kappa1, ArrayView<T> kappa2, ArrayView<T> oneMinusCosine, VmfOrder<T> order,
        VmfKlOutputViews<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfPairMath.Kl<T, TReal>(order, kappa1[index], kappa2[index], oneMinusCosine[index], out T kl, out T d1, out T d2);
        OptionalOutput.Store(outputs.Divergence, index, kl);
        OptionalOutput.Store(outputs.DerivativeKappa1, index, d1);
        OptionalOutput.Store(outputs.DerivativeKappa2, index, d2);
    }

    /// <summary>Element <paramref name="index"/>: the log expected-likelihood kernel of order <paramref name="rho"/>.</summary>
    /// <param name="index">The element.</param>
    /// <param name="kappa1"><c>[N]</c> κ₁.</param>
    /// <param name="kappa2"><c>[N]</c> κ₂.</param>
    /// <param name="oneMinusCosine"><c>[N]</c> <c>1 − μ₁ᵀμ₂</c>.</param>
    /// <param name="order">The dimension's constants.</param>
    /// <param name="rho">The kernel order ρ.</param>
    /// <param name="output"><c>[N]</c> destination.</param>
    public static void RunExpectedLikelihoodKernel<T, TReal>(
        Index1D index, ArrayView<T> kappa1, ArrayView<T> kappa2, ArrayView<T> oneMinusCosine, VmfOrder<T> order, T rho,
        ArrayView<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        output[index] = VmfPairMath.ExpectedLikelihoodKernel<T, TReal>(order, kappa1[index], kappa2[index], oneMinusCosine[index], rho);

    /// <summary>Element <paramref name="index"/>: <c>log p(x)</c> under <c>vMF(μ, κ[i])</c> and its κ-derivative.</summary>
    /// <param name="index">The element.</param>
    /// <param name="kappa"><c>[N]</c> κ.</param>
    /// <param name="oneMinusCosine"><c>[N]</c> <c>1 − μᵀx</c>.</param>
    /// <param name="order">The dimension's constants.</param>
    /// <param name="outputs">Where to write; empty views are skipped.</param>
    public static void RunLogDensity<T, TReal>(
        Index1D index, ArrayView<T> kappa, ArrayView<T> oneMinusCosine, VmfOrder<T> order, VmfLogDensityOutputViews<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfPairMath.LogDensity<T, TReal>(order, kappa[index], oneMinusCosine[index], out T logDensity, out T derivative);
        OptionalOutput.Store(outputs.LogDensity, index, logDensity);
        OptionalOutput.Store(outputs.DerivativeKappa, index, derivative);
    }

    /// <summary>
    /// Explicitly grouped kernel: group <c>g</c> handles rows <c>g, g + gridDim, …</c> of the row-major <c>[rows, d]</c>
    /// matrices <paramref name="a"/> and <paramref name="b"/>; thread <c>i</c> sums <c>(a − b)²</c> over columns
    /// <c>i, i + groupDim, …</c>, the group merges the partial sums in a fixed shared-memory tree (deterministic, no
    /// atomics) and thread 0 writes <c>‖a − b‖²/2</c>, which equals <c>1 − aᵀb</c> for unit vectors without the
    /// cancellation of <c>1 − aᵀb</c> when <c>a ≈ b</c>.
    /// </summary>
    /// <param name="a">Row-major <c>[rows, columns]</c>.</param>
    /// <param name="b">Row-major <c>[rows, columns]</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="columns">Row length d.</param>
    /// <param name="output"><c>[rows]</c> destination.</param>
    public static void HalfSquaredDistance<T, TReal>(ArrayView<T> a, ArrayView<T> b, int rows, int columns, ArrayView<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArrayView<T> partial = SharedMemory.Allocate<T>(MaxGroupSize);
        int thread = Group.IdxX;
        int groupSize = Group.DimX;
        for (int row = Grid.IdxX; row < rows; row += Grid.DimX)
        {
            long start = (long)row * columns;
            T sum = T.Zero;
            for (int column = thread; column < columns; column += groupSize)
            {
                T difference = a[start + column] - b[start + column];
                sum += difference * difference;
            }

            T total = GroupTree.Reduce<T, VmfSumMerge<T>>(partial, sum);
            if (thread == 0)
            {
                output[row] = total * TReal.FromDouble(0.5);
            }
        }
    }
}

/// <summary>Plain addition as a <see cref="GroupTree"/> merge (the half-squared-distance reduction).</summary>
/// <typeparam name="T">The compute type.</typeparam>
public readonly struct VmfSumMerge<T> : IGroupMerge<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static void Merge(ref T target, in T other) => target += other;
}
