using System.Buffers;
using System.Globalization;
using System.Numerics;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

/// <summary>
/// Where the pair operations get <c>1 − cos</c> from: the caller's values, or two row-major <c>[N, d]</c> unit-vector
/// matrices whose rows give <c>‖a − b‖²/2</c>.
/// </summary>
internal readonly ref struct VmfPairGeometry<T>
    where T : unmanaged
{
    public VmfPairGeometry(ReadOnlySpan<T> oneMinusCosine)
    {
        OneMinusCosine = oneMinusCosine;
    }

    public VmfPairGeometry(ReadOnlySpan<T> first, ReadOnlySpan<T> second, int columns)
    {
        First = first;
        Second = second;
        Columns = columns;
        FromVectors = true;
    }

    public ReadOnlySpan<T> OneMinusCosine { get; }

    public ReadOnlySpan<T> First { get; }

    public ReadOnlySpan<T> Second { get; }

    public int Columns { get; }

    public bool FromVectors { get; }
}

public static partial class UqOps
{
    /// <summary>
    /// The largest deviation <c>|‖v‖² − 1|</c> the vector overloads of the vMF pair operations accept for a "unit"
    /// vector in f64: a norm off by δ shifts <c>1 − cos = ‖a − b‖²/2</c> by δ/2, which would exceed the f64 accuracy of
    /// the results long before it is visible, so vectors normalised in f32 must be renormalised in f64.
    /// </summary>
    public const double VonMisesFisherUnitToleranceF64 = 1e-9;

    /// <summary>The largest deviation <c>|‖v‖² − 1|</c> accepted for f32 unit vectors (see <see cref="VonMisesFisherUnitToleranceF64"/>).</summary>
    public const double VonMisesFisherUnitToleranceF32 = 1e-5;

    /// <summary>
    /// KL divergence between von Mises–Fisher distributions on <c>S^{d−1}</c>, element-wise over a batch of pairs, with
    /// its κ-gradients: <c>KL(vMF(μ₁, κ₁) ‖ vMF(μ₂, κ₂)) = log C_d(κ₁) − log C_d(κ₂) + A_d(κ₁)(κ₁ − κ₂ μ₁ᵀμ₂)</c>,
    /// <c>∂KL/∂κ₁ = A′_d(κ₁)(κ₁ − κ₂ μ₁ᵀμ₂)</c>, <c>∂KL/∂κ₂ = A_d(κ₂) − A_d(κ₁) μ₁ᵀμ₂</c> (vmf_mcinfonce.md §1), from the
    /// cosine gaps <c>1 − μ₁ᵀμ₂</c>.
    /// </summary>
    /// <remarks>
    /// <para>The directions enter only through <c>1 − μ₁ᵀμ₂</c>, which is the stable input: near <c>μ₁ = μ₂</c> it is
    /// tiny and multiplied by a large <c>κ₂A₁</c>, so it must be known to relative (not absolute) accuracy — compute
    /// it as <c>‖μ₁ − μ₂‖²/2</c>, or use the unit-vector overload that does. The KL is evaluated as
    /// <c>[log C₁ − log C₂] + A₁(κ₁ − κ₂) + κ₂A₁(1 − cos)</c> (or the same with <c>logCe</c> and <c>1 − A₁</c> where
    /// <c>A₁ &gt; ½</c>), the log-normaliser difference formed analytically from the series / Debye expansions
    /// (<see cref="VmfMath.KlDivergence{T, TReal}"/>): no large <c>log C_d(0)</c> or <c>O(κ)</c> term cancels,
    /// identical distributions give exactly 0, and every output is finite for every valid input. What remains is the
    /// inherent <c>KL ≈ A′(κ₁ − κ₂)²/2</c> cancellation for nearly equal κ.</para>
    /// <para>Accuracy (against mpmath, tests/data/vmf pair_*): f64 KL ≤ 1e−12·max(1, |ref|), f32 KL ≤ 1e−5·max(1, |ref|);
    /// the gradients ≤ 1e−10 (f64) / 5e−5 (f32) of the size of their terms.</para>
    /// <para>The CPU backend runs the elements in parallel and is bit-identical to <see cref="VmfPairMath.Kl{T, TReal}"/>;
    /// the ILGPU backends run one device thread per pair.</para>
    /// <para>NaN policy: none — NaN, negative or too large κ and <c>1 − cos</c> outside <c>[0, 2]</c> are rejected before
    /// anything is computed.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="kappa1"><c>[N]</c> concentrations κ₁ in <c>[0, 10⁶]</c>. An empty batch writes nothing.</param>
    /// <param name="kappa2"><c>[N]</c> concentrations κ₂ in <c>[0, 10⁶]</c>.</param>
    /// <param name="oneMinusCosine"><c>[N]</c> <c>1 − μ₁ᵀμ₂</c> in <c>[0, 2]</c>.</param>
    /// <param name="dimension">The ambient dimension d, in <c>[2, 65 536]</c>, shared by the batch.</param>
    /// <param name="outputs"><c>[N]</c> destinations; empty spans are skipped, at least one must be set.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is outside <c>[2, 65 536]</c>, a κ is
    /// NaN, negative or above 10⁶, or a <c>1 − cos</c> is NaN or outside <c>[0, 2]</c> (the message gives the index).</exception>
    /// <exception cref="ArgumentException">An input has another length than <paramref name="kappa1"/>, no output is
    /// requested or a destination is shorter than N; the message names it.</exception>
    public static void VonMisesFisherKlDivergence(
        this UqContext context, ReadOnlySpan<double> kappa1, ReadOnlySpan<double> kappa2, ReadOnlySpan<double> oneMinusCosine,
        int dimension, VmfKlOutputs<double> outputs) =>
        VmfKl<double, Real64>(context, kappa1, kappa2, new VmfPairGeometry<double>(oneMinusCosine), dimension, outputs);

    /// <inheritdoc cref="VonMisesFisherKlDivergence(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfKlOutputs{double})"/>
    public static void VonMisesFisherKlDivergence(
        this UqContext context, ReadOnlySpan<float> kappa1, ReadOnlySpan<float> kappa2, ReadOnlySpan<float> oneMinusCosine,
        int dimension, VmfKlOutputs<float> outputs) =>
        VmfKl<float, Real32>(context, kappa1, kappa2, new VmfPairGeometry<float>(oneMinusCosine), dimension, outputs);

    /// <summary>
    /// As <see cref="VonMisesFisherKlDivergence(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfKlOutputs{double})"/>,
    /// from the mean directions: row-major <c>[N, d]</c> unit vectors <paramref name="mu1"/>, <paramref name="mu2"/>.
    /// </summary>
    /// <remarks>
    /// <c>1 − μ₁ᵀμ₂</c> is computed as <c>‖μ₁ − μ₂‖²/2</c> (equal for unit vectors). The direct form <c>1 − μ₁ᵀμ₂</c>
    /// subtracts a rounded dot product from 1: when the directions are close the dot product is
    /// <c>1 − O(θ²)</c> and its rounding error (≥ eps·1, more from the d-term sum) is an absolute error of the small
    /// gap — at θ = 1e−4 (gap 5e−9) a relative error of ~1e−8 in f64 and 100% in f32 — and the KL multiplies the gap
    /// by <c>κ₂A₁</c> (up to 10⁶). The differences <c>μ₁ᵢ − μ₂ᵢ</c> are exact or nearly so when the components are
    /// close (Sterbenz), and a sum of squares has no cancellation, so <c>‖μ₁ − μ₂‖²/2</c> keeps the gap to a few ulp
    /// relative at every angle. That identity needs unit vectors, so each row is checked:
    /// <c>|‖μ‖² − 1|</c> must be at most <see cref="VonMisesFisherUnitToleranceF64"/> (f64) or
    /// <see cref="VonMisesFisherUnitToleranceF32"/> (f32).
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="mu1"><c>[N, d]</c> row-major unit mean directions of the first distributions.</param>
    /// <param name="kappa1"><c>[N]</c> concentrations κ₁ in <c>[0, 10⁶]</c>. An empty batch writes nothing.</param>
    /// <param name="mu2"><c>[N, d]</c> row-major unit mean directions of the second distributions.</param>
    /// <param name="kappa2"><c>[N]</c> concentrations κ₂ in <c>[0, 10⁶]</c>.</param>
    /// <param name="dimension">The ambient dimension d (the row length), in <c>[2, 65 536]</c>.</param>
    /// <param name="outputs"><c>[N]</c> destinations; empty spans are skipped, at least one must be set.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is outside <c>[2, 65 536]</c> or a κ
    /// is NaN, negative or above 10⁶ (the message gives the index).</exception>
    /// <exception cref="ArgumentException">A matrix is not <c>N·d</c> long, a row of it is not a unit vector, an input
    /// has another length than <paramref name="kappa1"/>, no output is requested or a destination is shorter than N;
    /// the message names it.</exception>
    public static void VonMisesFisherKlDivergence(
        this UqContext context, ReadOnlySpan<double> mu1, ReadOnlySpan<double> kappa1, ReadOnlySpan<double> mu2,
        ReadOnlySpan<double> kappa2, int dimension, VmfKlOutputs<double> outputs) =>
        VmfKl<double, Real64>(context, kappa1, kappa2, new VmfPairGeometry<double>(mu1, mu2, dimension), dimension, outputs);

    /// <inheritdoc cref="VonMisesFisherKlDivergence(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfKlOutputs{double})"/>
    public static void VonMisesFisherKlDivergence(
        this UqContext context, ReadOnlySpan<float> mu1, ReadOnlySpan<float> kappa1, ReadOnlySpan<float> mu2,
        ReadOnlySpan<float> kappa2, int dimension, VmfKlOutputs<float> outputs) =>
        VmfKl<float, Real32>(context, kappa1, kappa2, new VmfPairGeometry<float>(mu1, mu2, dimension), dimension, outputs);

    /// <summary>
    /// The log expected-likelihood / probability-product kernel of order ρ between von Mises–Fisher distributions on
    /// <c>S^{d−1}</c>, element-wise over a batch of pairs:
    /// <c>log ∫ p₁(x)^ρ p₂(x)^ρ dx = ρ(log C_d(κ₁) + log C_d(κ₂)) − log C_d(ρ‖κ₁μ₁ + κ₂μ₂‖)</c>, with
    /// <c>‖κ₁μ₁ + κ₂μ₂‖² = κ₁² + κ₂² + 2κ₁κ₂ μ₁ᵀμ₂</c> (vmf_mcinfonce.md §1; ρ = 1 is the ELK of PCL / URL, ρ = ½ the
    /// Bhattacharyya kernel). Symmetric in the two distributions.
    /// </summary>
    /// <remarks>
    /// <para>Evaluated as <c>ρ[logCe₁ − logCe₃] + ρ[logCe₂ − logCe₃] + (2ρ − 1)logCe₃ − ρ((κ₁ + κ₂) − n)</c> with the
    /// differences formed analytically and <c>(κ₁ + κ₂) − n = 2κ₁κ₂(1 − cos)/((κ₁ + κ₂) + n)</c>
    /// (<see cref="VmfMath.ExpectedLikelihoodKernel{T, TReal}"/>): no <c>O(κ)</c> or <c>log C_d(0)</c> term cancels
    /// and <c>κ₃ → 0</c> is covered by the series. The result at large κ is a small difference of <c>O(κ)</c>
    /// quantities, so its accuracy is relative to the size of those terms: f64 ≤ 1e−12, f32 ≤ 1e−5 of
    /// <c>max(1, Σ|terms|)</c> (tests/data/vmf pair_elk).</para>
    /// <para>NaN policy: none — invalid inputs are rejected before anything is computed.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="kappa1"><c>[N]</c> concentrations κ₁ in <c>[0, 10⁶]</c>. An empty batch writes nothing.</param>
    /// <param name="kappa2"><c>[N]</c> concentrations κ₂ in <c>[0, 10⁶]</c>.</param>
    /// <param name="oneMinusCosine"><c>[N]</c> <c>1 − μ₁ᵀμ₂</c> in <c>[0, 2]</c> (pass <c>‖μ₁ − μ₂‖²/2</c>; see
    /// <see cref="VonMisesFisherKlDivergence(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfKlOutputs{double})"/>).</param>
    /// <param name="dimension">The ambient dimension d, in <c>[2, 65 536]</c>, shared by the batch.</param>
    /// <param name="rho">The kernel order ρ in <c>(0, 1]</c> (1: expected likelihood, ½: Bhattacharyya); this keeps
    /// <c>κ₃ ≤ 2·10⁶</c>.</param>
    /// <param name="destination"><c>[N]</c> log-kernel values, in nats.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> or <paramref name="rho"/> is out of
    /// range, a κ is NaN, negative or above 10⁶, or a <c>1 − cos</c> is outside <c>[0, 2]</c>.</exception>
    /// <exception cref="ArgumentException">An input has another length than <paramref name="kappa1"/> or
    /// <paramref name="destination"/> is shorter than N.</exception>
    public static void VonMisesFisherExpectedLikelihoodKernel(
        this UqContext context, ReadOnlySpan<double> kappa1, ReadOnlySpan<double> kappa2, ReadOnlySpan<double> oneMinusCosine,
        int dimension, double rho, Span<double> destination) =>
        VmfElk<double, Real64>(context, kappa1, kappa2, new VmfPairGeometry<double>(oneMinusCosine), dimension, rho, destination);

    /// <inheritdoc cref="VonMisesFisherExpectedLikelihoodKernel(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, double, Span{double})"/>
    public static void VonMisesFisherExpectedLikelihoodKernel(
        this UqContext context, ReadOnlySpan<float> kappa1, ReadOnlySpan<float> kappa2, ReadOnlySpan<float> oneMinusCosine,
        int dimension, float rho, Span<float> destination) =>
        VmfElk<float, Real32>(context, kappa1, kappa2, new VmfPairGeometry<float>(oneMinusCosine), dimension, rho, destination);

    /// <summary>
    /// As <see cref="VonMisesFisherExpectedLikelihoodKernel(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, double, Span{double})"/>,
    /// from row-major <c>[N, d]</c> unit mean directions (<c>1 − μ₁ᵀμ₂ = ‖μ₁ − μ₂‖²/2</c>, rows checked to be unit as in
    /// <see cref="VonMisesFisherKlDivergence(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfKlOutputs{double})"/>).
    /// </summary>
    /// <param name="context">The device to run on.</param>
    /// <param name="mu1"><c>[N, d]</c> row-major unit mean directions of the first distributions.</param>
    /// <param name="kappa1"><c>[N]</c> concentrations κ₁ in <c>[0, 10⁶]</c>. An empty batch writes nothing.</param>
    /// <param name="mu2"><c>[N, d]</c> row-major unit mean directions of the second distributions.</param>
    /// <param name="kappa2"><c>[N]</c> concentrations κ₂ in <c>[0, 10⁶]</c>.</param>
    /// <param name="dimension">The ambient dimension d (the row length), in <c>[2, 65 536]</c>.</param>
    /// <param name="rho">The kernel order ρ in <c>(0, 1]</c>.</param>
    /// <param name="destination"><c>[N]</c> log-kernel values, in nats.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> or <paramref name="rho"/> is out of
    /// range, or a κ is NaN, negative or above 10⁶.</exception>
    /// <exception cref="ArgumentException">A matrix is not <c>N·d</c> long or has a non-unit row, an input has another
    /// length than <paramref name="kappa1"/>, or <paramref name="destination"/> is shorter than N.</exception>
    public static void VonMisesFisherExpectedLikelihoodKernel(
        this UqContext context, ReadOnlySpan<double> mu1, ReadOnlySpan<double> kappa1, ReadOnlySpan<double> mu2,
        ReadOnlySpan<double> kappa2, int dimension, double rho, Span<double> destination) =>
        VmfElk<double, Real64>(context, kappa1, kappa2, new VmfPairGeometry<double>(mu1, mu2, dimension), dimension, rho, destination);

    /// <inheritdoc cref="VonMisesFisherExpectedLikelihoodKernel(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, double, Span{double})"/>
    public static void VonMisesFisherExpectedLikelihoodKernel(
        this UqContext context, ReadOnlySpan<float> mu1, ReadOnlySpan<float> kappa1, ReadOnlySpan<float> mu2,
        ReadOnlySpan<float> kappa2, int dimension, float rho, Span<float> destination) =>
        VmfElk<float, Real32>(context, kappa1, kappa2, new VmfPairGeometry<float>(mu1, mu2, dimension), dimension, rho, destination);

    /// <summary>
    /// The log-density of points under von Mises–Fisher distributions on <c>S^{d−1}</c>, element-wise, and its
    /// κ-derivative: <c>log p(x) = log C_d(κ) + κ μᵀx = logCe(κ) − κ(1 − μᵀx)</c>,
    /// <c>∂ log p/∂κ = μᵀx − A_d(κ) = (1 − A) − (1 − μᵀx)</c> (vmf_mcinfonce.md §1), from <c>1 − μᵀx</c>.
    /// </summary>
    /// <remarks>
    /// <para><c>logCe = log C_d(κ) + κ</c> is finite and accurate for every κ (no <c>ive</c> underflow), and the form
    /// <c>logCe − κ(1 − μᵀx)</c> has no <c>κ·1 − κ·cos</c> cancellation when <c>1 − μᵀx</c> is supplied as
    /// <c>‖x − μ‖²/2</c>. Accuracy: f64 ≤ 1e−13·max(1, |ref|), f32 ≤ 4e−6·max(1, |ref|) (tests/data/vmf pair_log_density).</para>
    /// <para>NaN policy: none — invalid inputs are rejected before anything is computed.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="kappa"><c>[N]</c> concentrations in <c>[0, 10⁶]</c>. An empty batch writes nothing.</param>
    /// <param name="oneMinusCosine"><c>[N]</c> <c>1 − μᵀx</c> in <c>[0, 2]</c>.</param>
    /// <param name="dimension">The ambient dimension d, in <c>[2, 65 536]</c>, shared by the batch.</param>
    /// <param name="outputs"><c>[N]</c> destinations; empty spans are skipped, at least one must be set.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is outside <c>[2, 65 536]</c>, a κ is
    /// NaN, negative or above 10⁶, or a <c>1 − cos</c> is NaN or outside <c>[0, 2]</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="oneMinusCosine"/> has another length than
    /// <paramref name="kappa"/>, no output is requested or a destination is shorter than N.</exception>
    public static void VonMisesFisherLogDensity(
        this UqContext context, ReadOnlySpan<double> kappa, ReadOnlySpan<double> oneMinusCosine, int dimension,
        VmfLogDensityOutputs<double> outputs) =>
        VmfLogDensity<double, Real64>(context, kappa, new VmfPairGeometry<double>(oneMinusCosine), dimension, outputs);

    /// <inheritdoc cref="VonMisesFisherLogDensity(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfLogDensityOutputs{double})"/>
    public static void VonMisesFisherLogDensity(
        this UqContext context, ReadOnlySpan<float> kappa, ReadOnlySpan<float> oneMinusCosine, int dimension,
        VmfLogDensityOutputs<float> outputs) =>
        VmfLogDensity<float, Real32>(context, kappa, new VmfPairGeometry<float>(oneMinusCosine), dimension, outputs);

    /// <summary>
    /// As <see cref="VonMisesFisherLogDensity(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfLogDensityOutputs{double})"/>,
    /// from row-major <c>[N, d]</c> unit mean directions <paramref name="mu"/> and unit points <paramref name="x"/>
    /// (<c>1 − μᵀx = ‖x − μ‖²/2</c>; rows checked to be unit as in
    /// <see cref="VonMisesFisherKlDivergence(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfKlOutputs{double})"/>).
    /// </summary>
    /// <param name="context">The device to run on.</param>
    /// <param name="mu"><c>[N, d]</c> row-major unit mean directions.</param>
    /// <param name="kappa"><c>[N]</c> concentrations in <c>[0, 10⁶]</c>. An empty batch writes nothing.</param>
    /// <param name="x"><c>[N, d]</c> row-major unit points.</param>
    /// <param name="dimension">The ambient dimension d (the row length), in <c>[2, 65 536]</c>.</param>
    /// <param name="outputs"><c>[N]</c> destinations; empty spans are skipped, at least one must be set.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is outside <c>[2, 65 536]</c> or a κ
    /// is NaN, negative or above 10⁶.</exception>
    /// <exception cref="ArgumentException">A matrix is not <c>N·d</c> long or has a non-unit row, no output is
    /// requested or a destination is shorter than N.</exception>
    public static void VonMisesFisherLogDensity(
        this UqContext context, ReadOnlySpan<double> mu, ReadOnlySpan<double> kappa, ReadOnlySpan<double> x, int dimension,
        VmfLogDensityOutputs<double> outputs) =>
        VmfLogDensity<double, Real64>(context, kappa, new VmfPairGeometry<double>(mu, x, dimension), dimension, outputs);

    /// <inheritdoc cref="VonMisesFisherLogDensity(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfLogDensityOutputs{double})"/>
    public static void VonMisesFisherLogDensity(
        this UqContext context, ReadOnlySpan<float> mu, ReadOnlySpan<float> kappa, ReadOnlySpan<float> x, int dimension,
        VmfLogDensityOutputs<float> outputs) =>
        VmfLogDensity<float, Real32>(context, kappa, new VmfPairGeometry<float>(mu, x, dimension), dimension, outputs);

    private static void VmfKl<T, TReal>(
        UqContext context, ReadOnlySpan<T> kappa1, ReadOnlySpan<T> kappa2, VmfPairGeometry<T> geometry, int dimension,
        VmfKlOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckVmfDimension(dimension, nameof(dimension));
        CheckVmfKappa<T, TReal>(kappa1, nameof(kappa1));
        CheckVmfLength(kappa2.Length, kappa1.Length, nameof(kappa2), nameof(kappa1));
        CheckVmfKappa<T, TReal>(kappa2, nameof(kappa2));
        CheckVmfGeometry<T, TReal>(geometry, kappa1.Length, dimension, "mu1", "mu2", nameof(kappa1));
        if (kappa1.IsEmpty)
        {
            return;
        }

        outputs.Validate(kappa1.Length, nameof(outputs));
        VmfOrder<T> order = VmfMath.Order<T, TReal>(dimension);
        if (context.Ilgpu is { } device)
        {
            IlgpuVonMisesFisherPair.Kl<T, TReal>(device, kappa1, kappa2, geometry, order, outputs);
            return;
        }

        T[]? rented = null;
        ReadOnlySpan<T> cosines = CpuCosines(geometry, kappa1.Length, ref rented);
        try
        {
            CpuVonMisesFisherPair.Kl<T, TReal>(kappa1, kappa2, cosines, order, outputs);
        }
        finally
        {
            ReturnCosines(rented);
        }
    }

    private static void VmfElk<T, TReal>(
        UqContext context, ReadOnlySpan<T> kappa1, ReadOnlySpan<T> kappa2, VmfPairGeometry<T> geometry, int dimension, T rho,
        Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckVmfDimension(dimension, nameof(dimension));
        CheckVmfKappa<T, TReal>(kappa1, nameof(kappa1));
        CheckVmfLength(kappa2.Length, kappa1.Length, nameof(kappa2), nameof(kappa1));
        CheckVmfKappa<T, TReal>(kappa2, nameof(kappa2));
        CheckVmfGeometry<T, TReal>(geometry, kappa1.Length, dimension, "mu1", "mu2", nameof(kappa1));
        double rhoValue = TReal.ToDouble(rho);
        if (!(rhoValue > 0 && rhoValue <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(rho), rhoValue, string.Create(CultureInfo.InvariantCulture, $"rho = {rhoValue:R} is outside (0, 1]."));
        }

        if (kappa1.IsEmpty)
        {
            return;
        }

        Check.Destination(destination.Length, kappa1.Length, nameof(destination));
        VmfOrder<T> order = VmfMath.Order<T, TReal>(dimension);
        if (context.Ilgpu is { } device)
        {
            IlgpuVonMisesFisherPair.ExpectedLikelihoodKernel<T, TReal>(device, kappa1, kappa2, geometry, order, rho, destination);
            return;
        }

        T[]? rented = null;
        ReadOnlySpan<T> cosines = CpuCosines(geometry, kappa1.Length, ref rented);
        try
        {
            CpuVonMisesFisherPair.ExpectedLikelihoodKernel<T, TReal>(kappa1, kappa2, cosines, order, rho, destination);
        }
        finally
        {
            ReturnCosines(rented);
        }
    }

    private static void VmfLogDensity<T, TReal>(
        UqContext context, ReadOnlySpan<T> kappa, VmfPairGeometry<T> geometry, int dimension, VmfLogDensityOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckVmfDimension(dimension, nameof(dimension));
        CheckVmfKappa<T, TReal>(kappa, nameof(kappa));
        CheckVmfGeometry<T, TReal>(geometry, kappa.Length, dimension, "mu", "x", nameof(kappa));
        if (kappa.IsEmpty)
        {
            return;
        }

        outputs.Validate(kappa.Length, nameof(outputs));
        VmfOrder<T> order = VmfMath.Order<T, TReal>(dimension);
        if (context.Ilgpu is { } device)
        {
            IlgpuVonMisesFisherPair.LogDensity<T, TReal>(device, kappa, geometry, order, outputs);
            return;
        }

        T[]? rented = null;
        ReadOnlySpan<T> cosines = CpuCosines(geometry, kappa.Length, ref rented);
        try
        {
            CpuVonMisesFisherPair.LogDensity<T, TReal>(kappa, cosines, order, outputs);
        }
        finally
        {
            ReturnCosines(rented);
        }
    }

    /// <summary>The caller's <c>1 − cos</c>, or <c>‖a − b‖²/2</c> per row computed into a rented buffer.</summary>
    private static ReadOnlySpan<T> CpuCosines<T>(in VmfPairGeometry<T> geometry, int count, ref T[]? rented)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!geometry.FromVectors)
        {
            return geometry.OneMinusCosine;
        }

        rented = ArrayPool<T>.Shared.Rent(count);
        Span<T> cosines = rented.AsSpan(0, count);
        CpuVonMisesFisherPair.HalfSquaredDistances(geometry.First, geometry.Second, count, geometry.Columns, cosines);
        return cosines;
    }

    private static void ReturnCosines<T>(T[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>The parameter name of the <c>1 − cos</c> inputs.</summary>
    private static readonly string VmfCosineName = "oneMinusCosine";

    private static void CheckVmfLength(int length, int expected, string name, string expectedName)
    {
        if (length != expected)
        {
            throw new ArgumentException($"{name} has {length} elements but {expectedName} has {expected}.", name);
        }
    }

    /// <summary>
    /// <c>1 − cos</c> values: as many as κ, each in <c>[0, 2]</c>; or two <c>[N, d]</c> matrices of unit rows.
    /// </summary>
    private static void CheckVmfGeometry<T, TReal>(
        in VmfPairGeometry<T> geometry, int count, int dimension, string firstName, string secondName, string countName)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        if (!geometry.FromVectors)
        {
            ReadOnlySpan<T> gaps = geometry.OneMinusCosine;
            string gapsName = VmfCosineName;
            CheckVmfLength(gaps.Length, count, gapsName, countName);
            for (int i = 0; i < gaps.Length; i++)
            {
                double value = TReal.ToDouble(gaps[i]);
                if (!(value >= 0 && value <= 2))
                {
                    throw new ArgumentOutOfRangeException(
                        gapsName,
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"oneMinusCosine[{i}] = {value:R} is outside [0, 2] (1 − cos of two unit vectors; NaN is rejected)."));
                }
            }

            return;
        }

        long required = (long)count * dimension;
        double tolerance = TReal.FromDouble(1.0 + 1e-10) == T.One ? VonMisesFisherUnitToleranceF32 : VonMisesFisherUnitToleranceF64;
        CheckUnitRows<T, TReal>(geometry.First, required, dimension, tolerance, firstName, countName, count);
        CheckUnitRows<T, TReal>(geometry.Second, required, dimension, tolerance, secondName, countName, count);
    }

    private static void CheckUnitRows<T, TReal>(
        ReadOnlySpan<T> rows, long required, int dimension, double tolerance, string name, string countName, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        if (rows.Length != required)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name} has {rows.Length} elements but must be [N, d] = [{count}, {dimension}] ({countName} has N = {count})."),
                name);
        }

        for (int row = 0; row < count; row++)
        {
            ReadOnlySpan<T> vector = rows.Slice(row * dimension, dimension);
            double norm2 = 0;
            for (int j = 0; j < vector.Length; j++)
            {
                double v = TReal.ToDouble(vector[j]);
                norm2 += v * v;
            }

            if (!(Math.Abs(norm2 - 1) <= tolerance))
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{name} row {row} is not a unit vector: ‖v‖² = {norm2:R} (|‖v‖² − 1| must be ≤ {tolerance:R}); 1 − cos is computed as ‖a − b‖²/2, which needs unit rows."),
                    name);
            }
        }
    }
}
