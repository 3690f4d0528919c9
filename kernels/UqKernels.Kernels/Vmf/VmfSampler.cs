using System.Numerics;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Rng;

namespace UqKernels.Kernels.Vmf;

/// <summary>
/// Per-launch constants of <see cref="VmfSampler"/>: the dimension, the sample count, the Philox key (the seed), the
/// offset's counter words and the per-d constants of the Gamma sampler. Build on the host with
/// <see cref="VmfSampler.Parameters{T, TReal}"/>.
/// </summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct VmfSampleParameters<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The ambient dimension d ≥ 2.</summary>
    public int Dimension;

    /// <summary>Samples per element S ≥ 1.</summary>
    public int Samples;

    /// <summary>0: exact Wood sampler; 1: the research repositories' biased b-blend (<see cref="VmfSampler.ModeReferenceSvae"/>).</summary>
    public int Mode;

    /// <summary>Philox key word 0: the low 32 bits of the seed.</summary>
    public uint Key0;

    /// <summary>Philox key word 1: the high 32 bits of the seed.</summary>
    public uint Key1;

    /// <summary>Counter word 2 base: <c>(offset mod 2¹²)·2²⁰</c> (the draw index fills the low 20 bits).</summary>
    public uint OffsetWord2;

    /// <summary>Counter word 3: <c>⌊offset/2¹²⌋</c> (offset &lt; 2⁴⁴).</summary>
    public uint OffsetWord3;

    /// <summary>Philox blocks of the tangent Gaussian, <c>⌈d/4⌉</c>; the proposals' blocks follow them.</summary>
    public int TangentBlocks;

    /// <summary><c>m = d − 1</c>.</summary>
    public T M;

    /// <summary><c>α = (d − 3)/2</c>, the exponent of <c>(1 − w²)</c> in the density of w.</summary>
    public T Alpha;

    /// <summary>Marsaglia–Tsang <c>δ = m/2 − 1/3</c> (shape m/2 of the Gamma variates; used for d ≥ 4).</summary>
    public T GammaDelta;

    /// <summary>Marsaglia–Tsang <c>c = 1/√(9δ)</c>.</summary>
    public T GammaScale;

    /// <summary><c>m·log m</c> (the reference sampler's constant).</summary>
    public T MLogM;
}

/// <summary>Per-element (per κ) constants of Wood's sampler.</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct VmfSampleElement<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The concentration κ (NaN marks an invalid κ: every sample is NaN).</summary>
    public T Kappa;

    /// <summary>Wood's <c>b</c> (exact: <c>m/(2κ + √(4κ² + m²))</c>; reference mode: the blend).</summary>
    public T B;

    /// <summary><c>1 − x₀ = 2b/(1 + b)</c>.</summary>
    public T OneMinusX0;

    /// <summary><c>x₀ = (1 − b)/(1 + b)</c>.</summary>
    public T X0;

    /// <summary><c>ℓ₀ = log(1 − x₀²) = log(1 − x₀) + log1p(x₀)</c>.</summary>
    public T L0;

    /// <summary>The reference sampler's <c>a = (m + 2κ + √(4κ² + m²))/4</c>.</summary>
    public T ReferenceA;

    /// <summary>The reference sampler's <c>d′ = 4ab/(1 + b) − m log m</c>.</summary>
    public T ReferenceD;

    /// <summary><c>db/dκ</c> as autograd sees it (exact: <c>−2b/√(4κ² + m²)</c>; reference mode: of the blend).</summary>
    public T DbDKappa;
}

/// <summary>One draw of the cosine <c>w = μᵀx</c> with the quantities the composition and the gradients need.</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct VmfCosineSample<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary><c>w = μᵀx</c> (NaN when no proposal was accepted).</summary>
    public T W;

    /// <summary><c>1 − w</c>, computed without cancellation.</summary>
    public T OneMinusW;

    /// <summary><c>1 + w</c>, computed without cancellation.</summary>
    public T OnePlusW;

    /// <summary>The accepted Beta(m/2, m/2) variate e of Wood's proposal (d ≠ 3; 0 for the d = 3 inversion).</summary>
    public T E;

    /// <summary><c>1 − e</c>.</summary>
    public T OneMinusE;

    /// <summary>Proposals used: 1 … <see cref="VmfSampler.MaxProposals"/>; 0 when every proposal was rejected (then w is NaN).</summary>
    public int Proposals;
}

/// <summary>
/// A row of the composition <c>x = w·μ̂ + √((1−w)(1+w))·t</c>: the mean direction <c>μ</c> (read), and the output
/// <c>x</c> (read/write; it holds the Gaussian g, then the projection p, then x).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IVmfSampleRow<T>
    where T : unmanaged
{
    /// <summary><c>μ_j</c> as given (not yet divided by its norm).</summary>
    T Mu(int j);

    /// <summary>Reads <c>x_j</c>.</summary>
    T Read(int j);

    /// <summary>Writes <c>x_j</c>.</summary>
    void Write(int j, T value);
}

/// <summary>
/// A row of the backward pass: <c>μ</c>, the upstream gradient <c>∂L/∂x</c> of one sample, and the accumulator of
/// <c>∂L/∂μ̂</c> (summed over the element's samples).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IVmfGradientRow<T>
    where T : unmanaged
{
    /// <summary><c>μ_j</c> as given.</summary>
    T Mu(int j);

    /// <summary>Makes <paramref name="sample"/> the current sample of <see cref="Upstream"/>.</summary>
    void SelectSample(int sample);

    /// <summary><c>∂L/∂x_j</c> of the current sample.</summary>
    T Upstream(int j);

    /// <summary>Reads the accumulator at j.</summary>
    T ReadAccumulator(int j);

    /// <summary>Writes the accumulator at j.</summary>
    void WriteAccumulator(int j, T value);
}

/// <summary>
/// Reproducible sampling of <c>x ~ vMF(μ, κ)</c> on <c>S^{d−1}</c> (vmf_mcinfonce.md §4), and its gradients, as
/// shared scalar code for the CPU path and the ILGPU kernel.
/// </summary>
/// <remarks>
/// <para><b>Cosine w = μᵀx.</b> d = 3: exact inversion <c>w = 1 + log(u + (1 − u)e^{−2κ})/κ</c> in the stable forms
/// of §4.2 (<c>log1p</c>/<c>expm1</c> below κ = 0.5), uniform for κ &lt; 1e−30. Otherwise Wood's (1994) rejection
/// sampler in the 1 − w form of §4.1: <c>b = m/(2κ + √(4κ² + m²))</c>, <c>1 − x₀ = 2b/(1 + b)</c>,
/// <c>e ~ Beta(m/2, m/2)</c> (ratio of two Marsaglia–Tsang Gamma(m/2) variates, whose acceptance test is evaluated as
/// <c>log U &lt; 3δ·(log1p(y) − y + y²/2 − y³/3)</c>, <c>y = cz</c>, without the cancellation of the textbook form;
/// d = 2: <c>e = sin²(πU/2)</c>), <c>1 − w = 2be/((1 − e) + be)</c>, <c>1 + w = 2(1 − e)/((1 − e) + be)</c>, accepted iff
/// <c>κ((1 − x₀) − (1 − w)) + m[log((1 − x₀) + x₀(1 − w)) − ℓ₀] ≥ log u</c>. At most <see cref="MaxProposals"/>
/// proposals (each ≥ 0.679 likely to be accepted, so the cap is reached with probability ≤ 1e−32) and
/// <see cref="MaxGammaAttempts"/> Gamma attempts per variate; when the cap is reached the sample is NaN and its
/// proposal count 0 — never an unbounded loop. κ = +∞ gives <c>w = 1</c>; κ &lt; 0 or NaN gives NaN.</para>
/// <para><b>Reference mode</b> (<see cref="ModeReferenceSvae"/>, for reproduction studies only): the s-vae/PCL/URL
/// code's <c>b = s·m/(4κ) + (1 − s)·b_exact</c>, <c>s = clamp(κ − 10, 0, 1)</c>, with their acceptance test
/// <c>m log t − t + d′ &gt; log u</c>. For κ ≥ 11 this is <b>not</b> a vMF sampler (biased; anti-aligned samples when
/// κ &lt; (d − 1)/4, §4.4); below κ = 10 it equals the exact sampler in distribution.</para>
/// <para><b>Direction.</b> <c>x = w·μ̂ + √((1 − w)(1 + w))·p/‖p‖</c>, <c>p = g − (gᵀμ̂)μ̂</c>, <c>g ~ N(0, I_d)</c>,
/// <c>μ̂ = μ/‖μ‖</c> (§4.3, projection): no Householder singularity at μ = ±e₁, and per sample
/// <c>x(Qμ, Qg) = Q·x(μ, g)</c> for orthogonal Q. Dot products and ‖p‖² use compensated (Kahan) sums in the compute
/// type.</para>
/// <para><b>Random streams</b> (Philox4x32-10, key = seed): sample s of element i uses counters
/// <c>(i, s, c₂, c₃)</c> with <c>c₃·2³² + c₂ = offset·2²⁰ + draw</c>: blocks <c>draw ∈ [0, ⌈d/4⌉)</c> hold the
/// tangent Gaussian (4 normals per block, Box–Muller on word pairs (0, 1), (2, 3)); proposal k uses block
/// <c>⌈d/4⌉ + 17k</c> (words 0–1: the 53-bit acceptance uniform; 2–3: the d = 3 inversion uniform, word 2 the d = 2
/// Beta angle) and blocks <c>⌈d/4⌉ + 17k + 1 + j</c>, j &lt; 16, for Gamma attempt j (words 0–1 Box–Muller, 2 and 3
/// the two Gamma test uniforms). Every sample therefore depends only on (seed, offset, i, s, μ, κ): a backward pass
/// regenerates it, the mode changes only the accepted proposal, and different offsets are disjoint streams.</para>
/// <para><b>Gradients</b> (§4.5): <see cref="CosineDerivativeImplicit{T, TReal}"/> is the exact
/// <c>dw/dκ = −∂_κF(w; κ)/f(w; κ) = ∫_w^1 (s − A) f(s)/f(w) ds</c> (32-node Gauss–Legendre on the tail away from
/// the mean, truncated where a rigorous log-concavity bound drops below e⁻⁴⁰, with the substitution
/// <c>|s − endpoint| = L·τ²</c> when the whole tail is needed); <see cref="CosineDerivativePathwise{T}"/> is the
/// reference code's biased "g_rep only" <c>∂w/∂b·db/dκ</c> at fixed e (for d = 3 both are the exact inversion
/// derivative). <see cref="AccumulateBackward{T, TReal, TRow}"/> is the VJP of the composition.</para>
/// </remarks>
public static class VmfSampler
{
    /// <summary>The exact sampler.</summary>
    public const int ModeExact = 0;

    /// <summary>The research code's biased b-blend (κ ≥ 11 uses <c>b = (d − 1)/(4κ)</c>); reproduction studies only.</summary>
    public const int ModeReferenceSvae = 1;

    /// <summary>Proposal cap of Wood's rejection loop.</summary>
    public const int MaxProposals = 64;

    /// <summary>Attempt cap of each Marsaglia–Tsang Gamma variate (acceptance ≥ 0.95 ⇒ failure ≤ 1e−20).</summary>
    public const int MaxGammaAttempts = 16;

    /// <summary>Philox blocks per proposal: one for the uniforms, one per Gamma attempt.</summary>
    public const int BlocksPerProposal = 1 + MaxGammaAttempts;

    /// <summary>The draw index occupies the low 20 bits of the 64-bit counter half (c₃·2³² + c₂).</summary>
    public const int DrawBits = 20;

    /// <summary>Offsets must be below 2⁴⁴ (the counter half is <c>offset·2²⁰ + draw</c>).</summary>
    public const ulong MaxOffsetExclusive = 1UL << 44;

    /// <summary>
    /// Launch constants for dimension <paramref name="dimension"/> (≥ 2), <paramref name="samples"/> samples per element,
    /// the 64-bit <paramref name="seed"/> and <paramref name="offset"/> (&lt; 2⁴⁴) and the sampler
    /// <paramref name="mode"/>. Host code (computes in f64).
    /// </summary>
    public static VmfSampleParameters<T> Parameters<T, TReal>(int dimension, int samples, ulong seed, ulong offset, int mode)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        double m = dimension - 1.0;
        double delta = (0.5 * m) - (1.0 / 3.0);
        VmfSampleParameters<T> p;
        p.Dimension = dimension;
        p.Samples = samples;
        p.Mode = mode;
        p.Key0 = (uint)seed;
        p.Key1 = (uint)(seed >> 32);
        p.OffsetWord2 = (uint)(offset << DrawBits);
        p.OffsetWord3 = (uint)(offset >> (32 - DrawBits));
        p.TangentBlocks = (dimension + 3) / 4;
        p.M = TReal.FromDouble(m);
        p.Alpha = TReal.FromDouble(0.5 * (dimension - 3.0));
        p.GammaDelta = TReal.FromDouble(delta);
        p.GammaScale = TReal.FromDouble(delta > 0 ? 1.0 / System.Math.Sqrt(9.0 * delta) : 0.0);
        p.MLogM = TReal.FromDouble(m * System.Math.Log(m));
        return p;
    }

    /// <summary>The Philox block <paramref name="draw"/> (&lt; 2²⁰) of sample <paramref name="sample"/> of element <paramref name="element"/>.</summary>
    public static PhiloxBlock Block<T>(in VmfSampleParameters<T> p, uint element, uint sample, int draw)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Philox4x32.Generate(element, sample, p.OffsetWord2 | (uint)draw, p.OffsetWord3, p.Key0, p.Key1);

    /// <summary>Wood's per-κ constants (NaN κ or κ &lt; 0 gives a NaN κ, whose samples are NaN).</summary>
    public static VmfSampleElement<T> Element<T, TReal>(in VmfSampleParameters<T> p, T kappa)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfSampleElement<T> e;
        T two = TReal.FromDouble(2.0);
        T four = TReal.FromDouble(4.0);
        T m = p.M;
        e.Kappa = kappa >= T.Zero ? kappa : T.NaN;
        T k = e.Kappa;
        T s = TReal.Sqrt((four * k * k) + (m * m));
        T bExact = m / ((two * k) + s);
        T dbExact = -two * bExact / s;
        T b = bExact;
        T db = dbExact;
        if (p.Mode == ModeReferenceSvae)
        {
            T blend = k - TReal.FromDouble(10.0);
            if (blend > T.Zero)
            {
                bool ramp = blend < T.One;
                if (!ramp)
                {
                    blend = T.One;
                }

                T bApprox = m / (four * k);
                b = (blend * bApprox) + ((T.One - blend) * bExact);
                db = (blend * (-m / (four * k * k))) + ((T.One - blend) * dbExact) + (ramp ? bApprox - bExact : T.Zero);
            }
        }

        e.B = b;
        e.DbDKappa = db;
        e.OneMinusX0 = two * b / (T.One + b);
        e.X0 = (T.One - b) / (T.One + b);
        e.L0 = TReal.Log(e.OneMinusX0) + SpecialFunctions.Log1p<T, TReal>(e.X0);
        e.ReferenceA = (m + (two * k) + s) / four;
        e.ReferenceD = (four * e.ReferenceA * b / (T.One + b)) - p.MLogM;
        return e;
    }

    /// <summary>Draws the cosine <c>w = μᵀx</c> of sample <paramref name="sample"/> of element <paramref name="element"/>.</summary>
    public static VmfCosineSample<T> SampleCosine<T, TReal>(
        in VmfSampleParameters<T> p, in VmfSampleElement<T> el, uint element, uint sample)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        VmfCosineSample<T> r;
        T two = TReal.FromDouble(2.0);
        T kappa = el.Kappa;
        r.E = T.Zero;
        r.OneMinusE = T.One;
        if (T.IsNaN(kappa))
        {
            r.W = T.NaN;
            r.OneMinusW = T.NaN;
            r.OnePlusW = T.NaN;
            r.Proposals = 0;
            return r;
        }

        if (!TReal.IsFinite(kappa))
        {
            r.W = T.One;
            r.OneMinusW = T.Zero;
            r.OnePlusW = two;
            r.Proposals = 1;
            return r;
        }

        if (p.Dimension == 3)
        {
            PhiloxBlock block = Block(p, element, sample, p.TangentBlocks);
            T u = Philox4x32.UniformOpenClosed53<T, TReal>(block.X2, block.X3);
            T oneMinusU = T.One - u;
            if (kappa < TReal.FromDouble(1e-30))
            {
                r.OneMinusW = two * oneMinusU;
                r.OnePlusW = two * u;
            }
            else if (kappa < TReal.FromDouble(0.5))
            {
                r.OneMinusW = -SpecialFunctions.Log1p<T, TReal>(oneMinusU * SpecialFunctions.Expm1<T, TReal>(-two * kappa)) / kappa;
                r.OnePlusW = SpecialFunctions.Log1p<T, TReal>(u * SpecialFunctions.Expm1<T, TReal>(two * kappa)) / kappa;
            }
            else
            {
                r.OneMinusW = -TReal.Log(u + (oneMinusU * TReal.Exp(-two * kappa))) / kappa;
                r.OnePlusW = two - r.OneMinusW;
            }

            r.W = Cosine(r.OneMinusW, r.OnePlusW);
            r.Proposals = 1;
            return r;
        }

        for (int proposal = 0; proposal < MaxProposals; proposal++)
        {
            int baseDraw = p.TangentBlocks + (proposal * BlocksPerProposal);
            PhiloxBlock uniforms = Block(p, element, sample, baseDraw);
            T e;
            T oneMinusE;
            if (p.Dimension == 2)
            {
                // Beta(1/2, 1/2) = sin²(πU/2): a quarter turn of 2^32 steps.
                Philox4x32.SinCosTurns<T, TReal>(uniforms.X2 >> 2, out T sine, out T cosine);
                e = sine * sine;
                oneMinusE = cosine * cosine;
            }
            else if (!BetaByGammas<T, TReal>(p, element, sample, baseDraw, out e, out oneMinusE))
            {
                continue;
            }

            T denominator = oneMinusE + (el.B * e);
            T oneMinusW = two * el.B * e / denominator;
            T onePlusW = two * oneMinusE / denominator;
            T logU = TReal.Log(Philox4x32.UniformOpenClosed53<T, TReal>(uniforms.X0, uniforms.X1));
            bool accept;
            if (p.Mode == ModeReferenceSvae)
            {
                T t = two * el.ReferenceA * el.B / denominator;
                accept = (p.M * TReal.Log(t)) - t + el.ReferenceD > logU;
            }
            else
            {
                T lhs = (kappa * (el.OneMinusX0 - oneMinusW))
                    + (p.M * (TReal.Log(el.OneMinusX0 + (el.X0 * oneMinusW)) - el.L0));
                accept = lhs >= logU;
            }

            if (accept)
            {
                r.OneMinusW = oneMinusW;
                r.OnePlusW = onePlusW;
                r.W = Cosine(oneMinusW, onePlusW);
                r.E = e;
                r.OneMinusE = oneMinusE;
                r.Proposals = proposal + 1;
                return r;
            }
        }

        r.W = T.NaN;
        r.OneMinusW = T.NaN;
        r.OnePlusW = T.NaN;
        r.Proposals = 0;
        return r;
    }

    /// <summary>Four tangent normals <c>g_{4k … 4k+3}</c> of a sample (block k of its stream).</summary>
    public static NormalQuad<T> TangentNormals<T, TReal>(in VmfSampleParameters<T> p, uint element, uint sample, int blockIndex)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> =>
        Philox4x32.Normals<T, TReal>(Block(p, element, sample, blockIndex));

    /// <summary>Writes the tangent Gaussian <c>g_0 … g_{d−1}</c> of a sample into the row's x.</summary>
    public static void FillTangentNormals<T, TReal, TRow>(in VmfSampleParameters<T> p, uint element, uint sample, ref TRow row)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TRow : struct, IVmfSampleRow<T>
    {
        int d = p.Dimension;
        for (int block = 0; block < p.TangentBlocks; block++)
        {
            NormalQuad<T> z = TangentNormals<T, TReal>(p, element, sample, block);
            int j = 4 * block;
            row.Write(j, z.Z0);
            if (j + 1 < d)
            {
                row.Write(j + 1, z.Z1);
            }

            if (j + 2 < d)
            {
                row.Write(j + 2, z.Z2);
            }

            if (j + 3 < d)
            {
                row.Write(j + 3, z.Z3);
            }
        }
    }

    /// <summary>
    /// Turns the Gaussian g held in the row's x into <c>x = w·μ̂ + √((1 − w)(1 + w))·p/‖p‖</c>,
    /// <c>p = g − (gᵀμ̂)μ̂</c>, <c>μ̂ = μ·<paramref name="muScale"/></c> (<c>muScale = 1/‖μ‖</c>). Three passes over
    /// the row, compensated sums, and a second Gram–Schmidt step folded into the last pass (so <c>tᵀμ̂ = O(eps)</c> even
    /// when g is nearly parallel to μ̂). Rotation-equivariant: <c>x(Qμ, Qg) = Q·x(μ, g)</c> up to rounding.
    /// </summary>
    public static void ComposeRow<T, TReal, TRow>(int dimension, T muScale, in VmfCosineSample<T> cosine, ref TRow row)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TRow : struct, IVmfSampleRow<T>
    {
        T dot = T.Zero;
        T dotCarry = T.Zero;
        for (int j = 0; j < dimension; j++)
        {
            KahanAdd(ref dot, ref dotCarry, row.Read(j) * (row.Mu(j) * muScale));
        }

        // p = g − (gᵀμ̂)μ̂, with its norm and the residual δ = pᵀμ̂ of the projection (≈ eps·‖g‖, which matters
        // when g is nearly parallel to μ̂ — e.g. d = 2): the last pass removes δμ̂ (a second Gram–Schmidt step).
        T norm2 = T.Zero;
        T normCarry = T.Zero;
        T residual = T.Zero;
        T residualCarry = T.Zero;
        for (int j = 0; j < dimension; j++)
        {
            T mu = row.Mu(j) * muScale;
            T projected = row.Read(j) - (dot * mu);
            row.Write(j, projected);
            KahanAdd(ref norm2, ref normCarry, projected * projected);
            KahanAdd(ref residual, ref residualCarry, projected * mu);
        }

        norm2 -= residual * residual;
        T c = TReal.Sqrt(cosine.OneMinusW * cosine.OnePlusW);
        T factor = norm2 > T.Zero ? c / TReal.Sqrt(norm2) : T.Zero;
        T w = cosine.W - (factor * residual);
        for (int j = 0; j < dimension; j++)
        {
            row.Write(j, (w * (row.Mu(j) * muScale)) + (factor * row.Read(j)));
        }
    }

    /// <summary>Draws sample <paramref name="sample"/> of element <paramref name="element"/> into the row's x; returns its cosine.</summary>
    public static VmfCosineSample<T> SampleRow<T, TReal, TRow>(
        in VmfSampleParameters<T> p, in VmfSampleElement<T> el, uint element, uint sample, T muScale, ref TRow row)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TRow : struct, IVmfSampleRow<T>
    {
        VmfCosineSample<T> cosine = SampleCosine<T, TReal>(p, el, element, sample);
        FillTangentNormals<T, TReal, TRow>(p, element, sample, ref row);
        ComposeRow<T, TReal, TRow>(p.Dimension, muScale, cosine, ref row);
        return cosine;
    }

    /// <summary>
    /// Adds the VJP of one sample to the row's <c>∂L/∂μ̂</c> accumulator and returns <c>∂L/∂w</c>, for upstream
    /// <c>ḡ = ∂L/∂x</c> (§4.3): with <c>t = p/‖p‖</c>, <c>c = √((1 − w)(1 + w))</c>,
    /// <c>q = (c/‖p‖)(ḡ − (tᵀḡ)t)</c>: <c>∂L/∂μ̂ += w·ḡ − (μ̂ᵀq)·g − (gᵀμ̂)·q</c> (with <c>μ̂ᵀq = (c/‖p‖)·μ̂ᵀḡ</c>
    /// since <c>t ⟂ μ̂</c>) and <c>∂L/∂w = ḡᵀμ̂ − (w/c)·ḡᵀt</c> (0 when c = 0). The Gaussian g is regenerated from the
    /// counters three times (no buffer).
    /// </summary>
    public static T AccumulateBackward<T, TReal, TRow>(
        in VmfSampleParameters<T> p, uint element, uint sample, T muScale, in VmfCosineSample<T> cosine, ref TRow row)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TRow : struct, IVmfGradientRow<T>
    {
        int d = p.Dimension;
        T dot = T.Zero, dotCarry = T.Zero, upMu = T.Zero, upMuCarry = T.Zero;
        for (int block = 0; block < p.TangentBlocks; block++)
        {
            NormalQuad<T> z = TangentNormals<T, TReal>(p, element, sample, block);
            for (int k = 0; k < 4; k++)
            {
                int j = (4 * block) + k;
                if (j < d)
                {
                    T mu = row.Mu(j) * muScale;
                    KahanAdd(ref dot, ref dotCarry, Pick(z, k) * mu);
                    KahanAdd(ref upMu, ref upMuCarry, row.Upstream(j) * mu);
                }
            }
        }

        T norm2 = T.Zero, normCarry = T.Zero, upP = T.Zero, upPCarry = T.Zero;
        for (int block = 0; block < p.TangentBlocks; block++)
        {
            NormalQuad<T> z = TangentNormals<T, TReal>(p, element, sample, block);
            for (int k = 0; k < 4; k++)
            {
                int j = (4 * block) + k;
                if (j < d)
                {
                    T projected = Pick(z, k) - (dot * (row.Mu(j) * muScale));
                    KahanAdd(ref norm2, ref normCarry, projected * projected);
                    KahanAdd(ref upP, ref upPCarry, projected * row.Upstream(j));
                }
            }
        }

        T w = cosine.W;
        T c = TReal.Sqrt(cosine.OneMinusW * cosine.OnePlusW);
        if (!(norm2 > T.Zero))
        {
            return upMu;
        }

        T norm = TReal.Sqrt(norm2);
        T inverseNorm = T.One / norm;
        T upT = upP * inverseNorm;           // tᵀḡ
        T qScale = c * inverseNorm;          // c/‖p‖
        T muQ = qScale * upMu;               // μ̂ᵀq
        for (int block = 0; block < p.TangentBlocks; block++)
        {
            NormalQuad<T> z = TangentNormals<T, TReal>(p, element, sample, block);
            for (int k = 0; k < 4; k++)
            {
                int j = (4 * block) + k;
                if (j < d)
                {
                    T g = Pick(z, k);
                    T mu = row.Mu(j) * muScale;
                    T up = row.Upstream(j);
                    T t = (g - (dot * mu)) * inverseNorm;
                    T q = qScale * (up - (upT * t));
                    row.WriteAccumulator(j, row.ReadAccumulator(j) + ((w * up) - (muQ * g) - (dot * q)));
                }
            }
        }

        return c > T.Zero ? upMu - (w / c * upT) : upMu;
    }

    /// <summary>
    /// The backward pass of one element: zeroes the row's accumulator, regenerates the element's S samples, and
    /// leaves <c>∂L/∂μ = (I − μ̂μ̂ᵀ)(Σ_s ∂L/∂μ̂)·muScale</c> in the accumulator (the exact derivative of the sampler as
    /// implemented, which divides μ by its norm); returns <c>∂L/∂κ = Σ_s ∂L/∂w_s·dw_s/dκ</c> with
    /// <paramref name="gradientMode"/> 0 (<see cref="CosineDerivativePathwise{T}"/>) or 1
    /// (<see cref="CosineDerivativeImplicit{T, TReal}"/>); d = 3 always uses the exact inversion derivative.
    /// </summary>
    public static T BackwardElement<T, TReal, TRow>(
        in VmfSampleParameters<T> p, in VmfOrder<T> order, int gradientMode, uint element, T kappa, T muScale, TRow row)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TRow : struct, IVmfGradientRow<T>
    {
        int d = p.Dimension;
        for (int j = 0; j < d; j++)
        {
            row.WriteAccumulator(j, T.Zero);
        }

        VmfSampleElement<T> el = Element<T, TReal>(p, kappa);
        bool exact = gradientMode != 0 || d == 3;
        T oneMinusA = T.One;
        if (exact)
        {
            oneMinusA = VmfMath.Evaluate<T, TReal>(order, el.Kappa).OneMinusMeanResultantLength;
        }

        T dKappa = T.Zero;
        for (int sample = 0; sample < p.Samples; sample++)
        {
            row.SelectSample(sample);
            VmfCosineSample<T> cosine = SampleCosine<T, TReal>(p, el, element, (uint)sample);
            T dLossDw = AccumulateBackward<T, TReal, TRow>(p, element, (uint)sample, muScale, cosine, ref row);
            T dwDKappa = exact
                ? CosineDerivativeImplicit<T, TReal>(el.Kappa, p.Alpha, d, oneMinusA, cosine)
                : CosineDerivativePathwise(el, cosine);
            dKappa += dLossDw * dwDKappa;
        }

        T radial = T.Zero, radialCarry = T.Zero;
        for (int j = 0; j < d; j++)
        {
            KahanAdd(ref radial, ref radialCarry, row.ReadAccumulator(j) * (row.Mu(j) * muScale));
        }

        for (int j = 0; j < d; j++)
        {
            row.WriteAccumulator(j, (row.ReadAccumulator(j) - (radial * (row.Mu(j) * muScale))) * muScale);
        }

        return dKappa;
    }

    /// <summary>
    /// The reference code's "g_rep only" κ-derivative (§4.5): <c>∂w/∂b·db/dκ</c> at the accepted e held fixed,
    /// <c>∂w/∂b = −2e(1 − e)/((1 − e) + be)²</c>. Biased (it omits the acceptance-correction term); d = 3 must use
    /// <see cref="CosineDerivativeImplicit{T, TReal}"/> (the inversion's exact derivative).
    /// </summary>
    public static T CosineDerivativePathwise<T>(in VmfSampleElement<T> el, in VmfCosineSample<T> cosine)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T denominator = cosine.OneMinusE + (el.B * cosine.E);
        T two = T.One + T.One;
        return -two * cosine.E * cosine.OneMinusE / (denominator * denominator) * el.DbDKappa;
    }

    /// <summary>
    /// The exact (implicit reparameterisation, Figurnov et al. 2018) <c>dw/dκ = −∂_κF(w; κ)/f(w; κ)</c> of the marginal
    /// <c>f(s) ∝ e^{κs}(1 − s²)^α</c>, <c>α = (d − 3)/2</c>, <c>F</c> its CDF: <c>∫_w^1 (s − A) f(s)/f(w) ds</c> when
    /// <c>w ≥ A</c>, else <c>∫_{−1}^w (A − s) f(s)/f(w) ds</c> (the tail away from the bulk). <c>f(s)/f(w)</c> is
    /// evaluated in log space from <c>1 ∓ w</c>; the tail is truncated where the bound
    /// <c>log f(s)/f(w) ≤ −λu − γu²/2</c> (λ the slope, γ the least curvature of <c>−log f</c> along the tail, valid for
    /// d ≥ 3 by log-concavity; d = 2 uses the exponential factor alone) reaches −40, and integrated by 32-node
    /// Gauss–Legendre; when the whole tail is needed, <c>|endpoint − s| = L·τ²</c> removes the endpoint singularity
    /// (the integrand then carries <c>τ^{d−2}</c>). Positive; 0 at <c>w = ±1</c>.
    /// </summary>
    /// <param name="kappa">κ ≥ 0.</param>
    /// <param name="alpha"><c>(d − 3)/2</c>.</param>
    /// <param name="dimension">d.</param>
    /// <param name="oneMinusA"><c>1 − A_d(κ)</c>.</param>
    /// <param name="cosine">The sample.</param>
    public static T CosineDerivativeImplicit<T, TReal>(T kappa, T alpha, int dimension, T oneMinusA, in VmfCosineSample<T> cosine)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        bool upper = cosine.OneMinusW <= oneMinusA;
        TailIntegrand<T> f;
        f.Kappa = upper ? kappa : -kappa;
        f.Alpha = alpha;
        f.Near = upper ? cosine.OneMinusW : cosine.OnePlusW;
        f.Far = upper ? cosine.OnePlusW : cosine.OneMinusW;
        // s − A (upper tail) or A − s (lower tail) at distance u from w is offset + u, with w − A = (1 − A) − (1 − w)
        // formed from the two small quantities (no cancellation when w and A are both near 1).
        f.Offset = upper ? oneMinusA - cosine.OneMinusW : cosine.OneMinusW - oneMinusA;
        f.PowerOfTau = TReal.FromInt64(dimension - 2);
        if (!(f.Near > T.Zero) || T.IsNaN(f.Far))
        {
            return T.IsNaN(f.Near) || T.IsNaN(f.Far) ? T.NaN : T.Zero;
        }

        // Bound of the decay along the tail: slope λ = −d/du log r at u = 0, least curvature γ (§ remarks).
        T lambda;
        T gamma = T.Zero;
        bool truncatable = true;
        if (alpha > T.Zero)
        {
            lambda = -(f.Kappa + (alpha * ((T.One / f.Far) - (T.One / f.Near))));
            bool pastZero = !upper && cosine.OneMinusW < cosine.OnePlusW; // lower tail from w > 0 crosses s = 0
            T two = TReal.FromDouble(2.0);
            gamma = pastZero
                ? two * alpha
                : alpha * (((f.Near * f.Near) + (f.Far * f.Far)) / ((f.Near * f.Far) * (f.Near * f.Far)));
        }
        else if (alpha == T.Zero)
        {
            lambda = -f.Kappa;
        }
        else
        {
            lambda = kappa;
            truncatable = !upper;
        }

        T forty = TReal.FromDouble(40.0);
        T limit = f.Near;
        bool truncated = false;
        if (truncatable)
        {
            T reach = T.PositiveInfinity;
            if (gamma > T.Zero)
            {
                T root = TReal.Sqrt((lambda * lambda) + (TReal.FromDouble(80.0) * gamma));
                reach = lambda >= T.Zero ? TReal.FromDouble(80.0) / (lambda + root) : (root - lambda) / gamma;
            }
            else if (lambda > T.Zero)
            {
                reach = forty / lambda;
            }

            if (reach < f.Near)
            {
                limit = reach;
                truncated = true;
            }
        }

        f.Limit = limit;
        f.Truncated = truncated;
        T sum = T.Zero;
        sum += Pair<T, TReal>(f, 0.04830766568773831, 0.09654008851472781);
        sum += Pair<T, TReal>(f, 0.1444719615827965, 0.09563872007927483);
        sum += Pair<T, TReal>(f, 0.23928736225213706, 0.09384439908080457);
        sum += Pair<T, TReal>(f, 0.33186860228212767, 0.09117387869576386);
        sum += Pair<T, TReal>(f, 0.42135127613063533, 0.08765209300440391);
        sum += Pair<T, TReal>(f, 0.5068999089322294, 0.08331192422694685);
        sum += Pair<T, TReal>(f, 0.5877157572407623, 0.07819389578707031);
        sum += Pair<T, TReal>(f, 0.6630442669302152, 0.07234579410884845);
        sum += Pair<T, TReal>(f, 0.7321821187402897, 0.06582222277636175);
        sum += Pair<T, TReal>(f, 0.7944837959679424, 0.058684093478535704);
        sum += Pair<T, TReal>(f, 0.84936761373257, 0.050998059262376244);
        sum += Pair<T, TReal>(f, 0.8963211557660522, 0.042835898022226426);
        sum += Pair<T, TReal>(f, 0.9349060759377397, 0.034273862913021626);
        sum += Pair<T, TReal>(f, 0.9647622555875064, 0.025392065309262427);
        sum += Pair<T, TReal>(f, 0.9856115115452684, 0.016274394730905965);
        sum += Pair<T, TReal>(f, 0.9972638618494816, 0.007018610009469298);
        return truncated ? sum * limit : sum;
    }

    /// <summary><c>w</c> from <c>1 − w</c> and <c>1 + w</c>, taking the difference that does not cancel.</summary>
    public static T Cosine<T>(T oneMinusW, T onePlusW)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        oneMinusW < T.One ? T.One - oneMinusW : onePlusW - T.One;

    /// <summary>Kahan compensated <c>sum += value</c>.</summary>
    public static void KahanAdd<T>(ref T sum, ref T carry, T value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T y = value - carry;
        T t = sum + y;
        carry = (t - sum) - y;
        sum = t;
    }

    private static T Pick<T>(in NormalQuad<T> z, int k)
        where T : unmanaged =>
        k == 0 ? z.Z0 : k == 1 ? z.Z1 : k == 2 ? z.Z2 : z.Z3;

    /// <summary>
    /// e ~ Beta(m/2, m/2) as <c>G₁/(G₁ + G₂)</c> of two Marsaglia–Tsang Gamma(m/2) variates sharing the attempt blocks
    /// (G₁: cosine normal and word 2; G₂: sine normal and word 3). The common factor δ cancels in the ratio, so only
    /// <c>v = (1 + cz)³</c> is kept. False when either variate exhausted its attempts.
    /// </summary>
    private static bool BetaByGammas<T, TReal>(
        in VmfSampleParameters<T> p, uint element, uint sample, int baseDraw, out T e, out T oneMinusE)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T v1 = T.Zero;
        T v2 = T.Zero;
        bool done1 = false;
        bool done2 = false;
        T threeDelta = TReal.FromDouble(3.0) * p.GammaDelta;
        for (int attempt = 0; attempt < MaxGammaAttempts && !(done1 && done2); attempt++)
        {
            PhiloxBlock block = Block(p, element, sample, baseDraw + 1 + attempt);
            Philox4x32.BoxMuller<T, TReal>(block.X0, block.X1, out T z1, out T z2);
            if (!done1)
            {
                done1 = GammaAttempt<T, TReal>(p.GammaScale, threeDelta, z1, block.X2, out v1);
            }

            if (!done2)
            {
                done2 = GammaAttempt<T, TReal>(p.GammaScale, threeDelta, z2, block.X3, out v2);
            }
        }

        T total = v1 + v2;
        e = v1 / total;
        oneMinusE = v2 / total;
        return done1 && done2;
    }

    /// <summary>
    /// One Marsaglia–Tsang attempt: <c>y = cz</c>, reject when <c>y ≤ −1</c>, else <c>v = (1 + y)³</c> is accepted iff
    /// <c>log U &lt; z²/2 + δ(1 − v + log v) = 3δ·(log1p(y) − y + y²/2 − y³/3)</c> (the z²/2 cancels analytically;
    /// the bracket is a series for |y| ≤ ¼).
    /// </summary>
    private static bool GammaAttempt<T, TReal>(T scale, T threeDelta, T z, uint uniformBits, out T v)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T y = scale * z;
        T onePlusY = T.One + y;
        v = onePlusY * onePlusY * onePlusY;
        if (!(y > -T.One))
        {
            return false;
        }

        T remainder;
        if (TReal.Abs(y) <= TReal.FromDouble(0.25))
        {
            // −y⁴·Σ_{k≥0} (−y)^k/(k + 4), Horner from k = 27 (f64 truncation < 1e−18 relative; f32 stops at 12).
            int top = TReal.FromDouble(1.0 + 1e-10) == T.One ? 12 : 27;
            T minusY = -y;
            T h = T.Zero;
            for (int k = top; k >= 0; k--)
            {
                h = (h * minusY) + (T.One / TReal.FromInt64(k + 4));
            }

            T y2 = y * y;
            remainder = -(y2 * y2) * h;
        }
        else
        {
            T y2 = y * y;
            remainder = ((SpecialFunctions.Log1p<T, TReal>(y) - y) + (TReal.FromDouble(0.5) * y2)) - (y2 * y / TReal.FromDouble(3.0));
        }

        T logU = TReal.Log(Philox4x32.UniformOpenClosed<T, TReal>(uniformBits));
        return logU < threeDelta * remainder;
    }

    private static T Pair<T, TReal>(in TailIntegrand<T> f, double node, double weight)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        T half = TReal.FromDouble(0.5);
        T x = TReal.FromDouble(node) * half;
        T wt = TReal.FromDouble(weight) * half;
        return wt * (f.Evaluate<TReal>(half - x) + f.Evaluate<TReal>(half + x));
    }

    /// <summary>
    /// The integrand of <see cref="CosineDerivativeImplicit{T, TReal}"/> along a tail: distance u from w toward the
    /// endpoint, <c>log r(u) = κ′u + α[log1p(−u/near) + log1p(u/far)]</c> (<c>κ′ = ±κ</c>, near/far the distances of w
    /// to the tail's endpoint and to the other one), times <c>±(w − A) + u</c> (= s − A or A − s).
    /// </summary>
    private struct TailIntegrand<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Kappa;
        public T Alpha;
        public T Near;
        public T Far;
        public T Offset;
        public T PowerOfTau;
        public T Limit;
        public bool Truncated;

        /// <summary>The integrand at <paramref name="x"/> ∈ (0, 1) of the chosen variable (u = x·Limit, or τ = x).</summary>
        public readonly T Evaluate<TReal>(T x)
            where TReal : struct, IReal<T>
        {
            if (Truncated)
            {
                T u = x * Limit;
                T logR = (Kappa * u) + (Alpha * (SpecialFunctions.Log1p<T, TReal>(-u / Near) + SpecialFunctions.Log1p<T, TReal>(u / Far)));
                return (Offset + u) * TReal.Exp(logR);
            }

            // near − u = near·τ²: dr·du = r·2·near·τ dτ and (1 − u/near)^α = τ^{2α}, so the weight is τ^{d−2}.
            T remaining = Near * x * x;
            T distance = Near - remaining;
            T exponent = (Kappa * distance) + (Alpha * SpecialFunctions.Log1p<T, TReal>(distance / Far));
            if (PowerOfTau > T.Zero)
            {
                exponent += PowerOfTau * TReal.Log(x);
            }

            return (Offset + distance) * TReal.Exp(exponent) * (Near + Near);
        }
    }
}
