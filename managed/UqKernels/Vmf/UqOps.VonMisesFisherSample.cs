using System.Globalization;
using System.Numerics;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// Largest accepted deviation <c>|‖μ_i‖ − 1|</c> of a mean-direction row. Rows are divided by their norm before
    /// use, so this only catches un-normalised inputs (a bug in the caller) while accepting rows normalised in f32
    /// (whose norms are off by ≲ 1e−5 even at d = 65 536) or stored in f16 (≲ 5e−4).
    /// </summary>
    public const double VonMisesFisherSampleUnitTolerance = 1e-3;

    /// <summary>
    /// Draws <c>x ~ vMF(μ_i, κ_i)</c> on <c>S^{d−1}</c>, S samples per element, reproducibly from (seed, offset)
    /// (vmf_mcinfonce.md §4).
    /// </summary>
    /// <remarks>
    /// <para>Algorithm (<see cref="VmfSampler"/>): the cosine <c>w = μᵀx</c> by exact inversion for d = 3 and by Wood's
    /// rejection sampler in the cancellation-free <c>1 − w</c> form otherwise (≤ 64 proposals, expected ≤ 1.47), then
    /// <c>x = w·μ̂ + √((1 − w)(1 + w))·p/‖p‖</c> with <c>p</c> a standard Gaussian projected onto <c>μ̂⊥</c>
    /// (<c>μ̂ = μ/‖μ‖</c>): no rotation matrix, no singularity at μ = ±e₁, rotation-equivariant per sample given the
    /// Gaussian. κ = 0 gives the uniform distribution. <c>E[x] = A_d(κ)μ̂</c>, <c>Var(w) = A′_d(κ)</c>.</para>
    /// <para>Random numbers: counter-based Philox4x32-10, key = seed, sample s of element i on counters
    /// <c>(i, s, offset·2²⁰ + draw)</c> — see <see cref="VmfSampleOptions"/>. Every backend draws the same bits, so
    /// samples agree across backends up to the rounding of <c>log</c>/<c>exp</c>/<c>sqrt</c> (measured: bit-identical
    /// between <c>cpu</c> and <c>ilgpu-cpu</c>), and the backward pass regenerates them instead of storing them. f32 and
    /// f64 calls consume the same stream, but a rejection decision can fall on the other side of its threshold after
    /// f32 rounding (observed at d ≥ 512), so they are equal in distribution, not sample by sample.</para>
    /// <para>Accuracy: ‖x‖ = 1 within 1e−14 (f64) / 2e−6 (f32). <see cref="VmfSamplerMode.ReferenceSvae"/> reproduces
    /// the research code's biased sampler for κ ≥ 11 (documented as wrong).</para>
    /// <para>NaN policy: none for valid input — NaN, negative or too large κ, a zero, NaN or non-unit μ row are
    /// rejected before anything is computed. A sample whose proposals are all rejected (≤ 1e−32) is NaN with
    /// proposal count 0.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="mu"><c>[N, d]</c> mean directions, row-major; each row's norm within
    /// <see cref="VonMisesFisherSampleUnitTolerance"/> of 1 (rows are renormalised).</param>
    /// <param name="kappa"><c>[N]</c> concentrations in <c>[0, 10⁶]</c>. Empty: nothing is written.</param>
    /// <param name="dimension">d in <c>[2, 65 536]</c>.</param>
    /// <param name="options">Samples per element, seed, offset and sampler mode.</param>
    /// <param name="outputs"><c>[N, S, d]</c> samples (required), optional <c>[N, S]</c> cosines and proposal counts.</param>
    /// <exception cref="ArgumentOutOfRangeException">d outside <c>[2, 65 536]</c>; a κ NaN, negative or above 10⁶;
    /// options.Samples &lt; 1; options.Offset ≥ 2⁴⁴.</exception>
    /// <exception cref="ArgumentException">μ is not <c>N·d</c> long or a row is zero, NaN or not unit (ParamName
    /// <c>mu</c>); a destination is too short; N·S exceeds <see cref="int.MaxValue"/>.</exception>
    public static void VonMisesFisherSample(
        this UqContext context, ReadOnlySpan<double> mu, ReadOnlySpan<double> kappa, int dimension, VmfSampleOptions options,
        VmfSampleOutputs<double> outputs) =>
        VonMisesFisherSample<double, Real64>(context, mu, kappa, dimension, options, outputs);

    /// <inheritdoc cref="VonMisesFisherSample(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfSampleOptions, VmfSampleOutputs{double})"/>
    public static void VonMisesFisherSample(
        this UqContext context, ReadOnlySpan<float> mu, ReadOnlySpan<float> kappa, int dimension, VmfSampleOptions options,
        VmfSampleOutputs<float> outputs) =>
        VonMisesFisherSample<float, Real32>(context, mu, kappa, dimension, options, outputs);

    /// <summary>
    /// The backward pass of <see cref="VonMisesFisherSample(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfSampleOptions, VmfSampleOutputs{double})"/>:
    /// given <c>∂L/∂x [N, S, d]</c>, regenerates the samples from the same (seed, offset) and returns
    /// <c>∂L/∂μ [N, d]</c> and <c>∂L/∂κ [N]</c> (vmf_mcinfonce.md §4.3, §4.5).
    /// </summary>
    /// <remarks>
    /// <para>μ: the exact VJP of <c>x = w·μ̂ + c·p/‖p‖</c>, <c>p = g − (gᵀμ̂)μ̂</c>, composed with <c>μ̂ = μ/‖μ‖</c>, so
    /// <c>∂L/∂μ</c> is tangent to the sphere at μ (what a caller's normalisation layer would produce anyway).</para>
    /// <para>κ: <c>Σ_s ∂L/∂w_s·dw_s/dκ</c>, <c>∂L/∂w = ḡᵀμ̂ − (w/c)ḡᵀt</c>, with <c>dw/dκ</c> per
    /// <paramref name="mode"/>: <see cref="GradientMode.Implicit"/> (exact, unbiased: <c>−∂_κF/f</c> by 32-node
    /// Gauss–Legendre) or <see cref="GradientMode.Pathwise"/> (the research code's biased "g_rep only"; identical to
    /// Implicit for d = 3, where the inversion is exact).</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="mu">The forward pass's μ.</param>
    /// <param name="kappa">The forward pass's κ.</param>
    /// <param name="dimension">The forward pass's d.</param>
    /// <param name="options">The forward pass's options (same seed and offset regenerate the same samples).</param>
    /// <param name="upstream"><c>[N, S, d]</c> <c>∂L/∂x</c>.</param>
    /// <param name="mode">The κ-gradient estimator.</param>
    /// <param name="gradients">Destinations; at least one set.</param>
    /// <exception cref="ArgumentOutOfRangeException">As the forward pass; <paramref name="mode"/> undefined.</exception>
    /// <exception cref="ArgumentException">As the forward pass; <paramref name="upstream"/> not <c>N·S·d</c> long; no
    /// or a too-short destination.</exception>
    public static void VonMisesFisherSampleBackward(
        this UqContext context, ReadOnlySpan<double> mu, ReadOnlySpan<double> kappa, int dimension, VmfSampleOptions options,
        ReadOnlySpan<double> upstream, GradientMode mode, VmfSampleGradients<double> gradients) =>
        VonMisesFisherSampleBackward<double, Real64>(context, mu, kappa, dimension, options, upstream, mode, gradients);

    /// <inheritdoc cref="VonMisesFisherSampleBackward(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfSampleOptions, ReadOnlySpan{double}, GradientMode, VmfSampleGradients{double})"/>
    public static void VonMisesFisherSampleBackward(
        this UqContext context, ReadOnlySpan<float> mu, ReadOnlySpan<float> kappa, int dimension, VmfSampleOptions options,
        ReadOnlySpan<float> upstream, GradientMode mode, VmfSampleGradients<float> gradients) =>
        VonMisesFisherSampleBackward<float, Real32>(context, mu, kappa, dimension, options, upstream, mode, gradients);

    private static void VonMisesFisherSample<T, TReal>(
        UqContext context, ReadOnlySpan<T> mu, ReadOnlySpan<T> kappa, int dimension, VmfSampleOptions options,
        VmfSampleOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T[] muScale = ValidateVmfSample<T, TReal>(context, mu, kappa, dimension, options);
        int count = kappa.Length * options.Samples;
        long values = (long)count * dimension;
        if (outputs.Samples.Length < values)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"outputs.Samples has {outputs.Samples.Length} elements but N·S·d = {values} are written."),
                "outputs.Samples");
        }

        Check.Destination(outputs.Cosines.Length, count, "outputs.Cosines");
        Check.Destination(outputs.Proposals.Length, count, "outputs.Proposals");
        if (kappa.IsEmpty)
        {
            return;
        }

        VmfSampleParameters<T> parameters = VmfSampleParametersOf<T, TReal>(dimension, options);
        if (context.Ilgpu is { } device)
        {
            IlgpuVmfSampler.RunFromHost<T, TReal>(device, mu, muScale, kappa, parameters, outputs);
        }
        else
        {
            CpuVmfSampler.Run<T, TReal>(mu, muScale, kappa, parameters, outputs);
        }
    }

    private static void VonMisesFisherSampleBackward<T, TReal>(
        UqContext context, ReadOnlySpan<T> mu, ReadOnlySpan<T> kappa, int dimension, VmfSampleOptions options,
        ReadOnlySpan<T> upstream, GradientMode mode, VmfSampleGradients<T> gradients)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T[] muScale = ValidateVmfSample<T, TReal>(context, mu, kappa, dimension, options);
        if (mode is not (GradientMode.Pathwise or GradientMode.Implicit))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode is not a GradientMode.");
        }

        long values = (long)kappa.Length * options.Samples * dimension;
        if (upstream.Length != values)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"upstream has {upstream.Length} elements but N·S·d = {values}."),
                nameof(upstream));
        }

        if (gradients.Mu.IsEmpty && gradients.Kappa.IsEmpty)
        {
            throw new ArgumentException("No gradient was requested: set gradients.Mu and/or gradients.Kappa.", nameof(gradients));
        }

        Check.Destination(gradients.Mu.Length, mu.Length, "gradients.Mu");
        Check.Destination(gradients.Kappa.Length, kappa.Length, "gradients.Kappa");
        if (kappa.IsEmpty)
        {
            return;
        }

        VmfSampleParameters<T> parameters = VmfSampleParametersOf<T, TReal>(dimension, options);
        VmfOrder<T> order = VmfMath.Order<T, TReal>(dimension);
        int gradientMode = mode == GradientMode.Implicit ? 1 : 0;
        if (context.Ilgpu is { } device)
        {
            IlgpuVmfSampler.BackwardFromHost<T, TReal>(device, mu, muScale, kappa, upstream, parameters, order, gradientMode, gradients);
        }
        else
        {
            CpuVmfSampler.Backward<T, TReal>(mu, muScale, kappa, upstream, parameters, order, gradientMode, gradients);
        }
    }

    private static VmfSampleParameters<T> VmfSampleParametersOf<T, TReal>(int dimension, VmfSampleOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        VmfSampler.Parameters<T, TReal>(
            dimension, options.Samples, options.Seed, options.Offset,
            options.Mode == VmfSamplerMode.ReferenceSvae ? VmfSampler.ModeReferenceSvae : VmfSampler.ModeExact);

    /// <summary>Validates the shared arguments and returns <c>1/‖μ_i‖</c> per row (norms in f64).</summary>
    private static T[] ValidateVmfSample<T, TReal>(
        UqContext context, ReadOnlySpan<T> mu, ReadOnlySpan<T> kappa, int dimension, VmfSampleOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        CheckVmfDimension(dimension, nameof(dimension));
        options.Validate();
        CheckVmfKappa<T, TReal>(kappa, nameof(kappa));
        long expected = (long)kappa.Length * dimension;
        if (mu.Length != expected)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"mu has {mu.Length} elements but kappa has {kappa.Length} rows of dimension {dimension} ({expected} expected)."),
                nameof(mu));
        }

        if ((long)kappa.Length * options.Samples > int.MaxValue)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"N·S = {(long)kappa.Length * options.Samples} exceeds {int.MaxValue}."),
                nameof(options));
        }

        var scale = new T[kappa.Length];
        for (int i = 0; i < kappa.Length; i++)
        {
            double sum = 0;
            ReadOnlySpan<T> row = mu.Slice(i * dimension, dimension);
            for (int j = 0; j < row.Length; j++)
            {
                double v = TReal.ToDouble(row[j]);
                sum += v * v;
            }

            double norm = Math.Sqrt(sum);
            if (!(Math.Abs(norm - 1.0) <= VonMisesFisherSampleUnitTolerance))
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"mu row {i} has norm {norm:R}; mean directions must be unit vectors (within {VonMisesFisherSampleUnitTolerance:R}; zero and NaN rows are rejected)."),
                    nameof(mu));
            }

            scale[i] = TReal.FromDouble(1.0 / norm);
        }

        return scale;
    }
}
