using System.Globalization;
using System.Numerics;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;

namespace UqKernels;

public static partial class UqOps
{
    /// <summary>The largest dimension d the von Mises–Fisher operations accept (the range the scalar core is validated on).</summary>
    public const int VonMisesFisherMaxDimension = 65_536;

    /// <summary>The largest concentration κ the von Mises–Fisher operations accept.</summary>
    public const double VonMisesFisherMaxKappa = 1e6;

    /// <summary>
    /// The κ-dependent scalars of von Mises–Fisher distributions <c>vMF(μ, κ_i)</c> on <c>S^{d−1} ⊂ ℝ^d</c>, one d for
    /// the whole batch (vmf_mcinfonce.md §1–3): log-normaliser <c>log C_d(κ)</c>, <c>ΔL</c>, <c>logCe</c>, mean
    /// resultant length <c>A</c>, <c>1 − A</c>, <c>A′</c>, entropy, KL to the uniform distribution and their
    /// κ-derivatives.
    /// </summary>
    /// <remarks>
    /// <para>Math, with <c>ν = d/2 − 1</c>: <c>C_d(κ) = κ^ν/((2π)^{d/2} I_ν(κ))</c>, <c>A = I_{d/2}(κ)/I_{d/2−1}(κ)</c>,
    /// <c>ΔL = log C_d(κ) − log C_d(0)</c>, <c>logCe = log C_d(κ) + κ</c>, <c>A′ = dA/dκ = Var(μᵀx)</c>,
    /// <c>H = −log C_d(κ) − κA</c>, <c>KL_U = ΔL + κA</c>, <c>dH/dκ = −κA′</c>, <c>dKL_U/dκ = κA′</c>. Each element is
    /// <see cref="VmfMath.Evaluate{T, TReal}"/>: a positive power series of <c>₀F₁</c> for small <c>r = √(ν² + κ²)</c>
    /// or <c>κ² ≤ d</c>, otherwise Olver's uniform (Debye) expansion in <c>1/r</c>, both with bounded work and without
    /// the underflow of <c>ive</c>-based formulas, so every output is finite for every valid input.</para>
    /// <para>Accuracy (against mpmath, tests/data/vmf): f64 log C ≤ 1e−13·max(1, |ref|), A ≤ 1e−14 relative,
    /// 1 − A ≤ 1e−12 relative, H and KL ≤ 1e−12·max(1, |ref|), A′ ≤ 1e−10 relative. The f32 overloads compute in f64
    /// and round once, so they meet the f32 bounds (log C ≤ 4e−6·max(1, |ref|), A ≤ 1e−6 relative, KL ≤
    /// 1e−5·max(1, |ref|)) everywhere, including where log C crosses 0.</para>
    /// <para>The CPU backend runs the elements in parallel chunks, several κ per SIMD vector (series and Debye sums and
    /// their finish in <see cref="System.Runtime.Intrinsics.Vector256{T}"/> lanes, only the sums the requested outputs
    /// need), and is bit-identical to calling <see cref="VmfMath.Evaluate{T, TReal}"/>; the ILGPU backends run one
    /// device thread per κ (results may differ in the last bits of the device <c>log</c>/<c>exp</c>/<c>sqrt</c>).</para>
    /// <para>NaN policy: none — a NaN, negative or too large κ is rejected before anything is computed.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="kappa"><c>[N]</c> concentrations, each in <c>[0, 10⁶]</c>. An empty span writes nothing.</param>
    /// <param name="dimension">The ambient dimension d, in <c>[2, 65 536]</c>.</param>
    /// <param name="outputs"><c>[N]</c> destinations; empty spans are skipped, at least one must be set.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is outside <c>[2, 65 536]</c>, or a
    /// κ is NaN, negative or above 10⁶ (the message gives its index).</exception>
    /// <exception cref="ArgumentException">No output is requested or a destination is shorter than N; the message
    /// names it.</exception>
    public static void VonMisesFisher(this UqContext context, ReadOnlySpan<double> kappa, int dimension, VmfOutputs<double> outputs) =>
        VonMisesFisher<double, Real64>(context, kappa, dimension, outputs);

    /// <summary>
    /// As <see cref="VonMisesFisher(UqContext, ReadOnlySpan{double}, int, VmfOutputs{double})"/> for f32 κ and
    /// outputs, computed in f64 and rounded once.
    /// </summary>
    /// <remarks>
    /// Why f64 inside: where log C crosses 0 at large d it is the difference of two terms of size
    /// <c>|log C_d(0)|</c> (~4,000 at d = 2048), so f32 arithmetic resolves it only to ~1e−7 of that size, far outside
    /// the issue's <c>4e−6·max(1, |ref|)</c>; the work is a few hundred flops per κ, so f64 costs little even where
    /// the device's f64 rate is low. Every f32 output is therefore the f64 result rounded once (≤ 1e−13 relative
    /// before rounding), and equal on every backend up to that rounding.
    /// </remarks>
    /// <inheritdoc cref="VonMisesFisher(UqContext, ReadOnlySpan{double}, int, VmfOutputs{double})"/>
    public static void VonMisesFisher(this UqContext context, ReadOnlySpan<float> kappa, int dimension, VmfOutputs<float> outputs)
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckVmfDimension(dimension, nameof(dimension));
        CheckVmfKappa<float, Real32>(kappa, nameof(kappa));
        if (kappa.IsEmpty)
        {
            return;
        }

        outputs.Validate(kappa.Length, nameof(outputs));
        InDouble(kappa, outputs, (wide, destinations) => VonMisesFisher<double, Real64>(context, wide, dimension, destinations));
    }

    /// <summary>
    /// As <see cref="VonMisesFisher(UqContext, ReadOnlySpan{double}, int, VmfOutputs{double})"/>, with a dimension per
    /// element: element <c>i</c> is <c>vMF</c> on <c>S^{dimensions[i]−1}</c>.
    /// </summary>
    /// <remarks>
    /// The per-dimension constants (<see cref="VmfMath.Order{T, TReal}"/>: <c>lgamma</c> and a Debye sum, in f64) are
    /// built per element — on the device for the ILGPU backends, which therefore need f64 support even for f32 κ
    /// (CUDA, OpenCL with <c>cl_khr_fp64</c>, the CPU accelerator) — so this costs roughly twice the single-d call.
    /// Results equal the single-d call's for the same d.
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="kappa"><c>[N]</c> concentrations, each in <c>[0, 10⁶]</c>. An empty span writes nothing.</param>
    /// <param name="dimensions"><c>[N]</c> ambient dimensions, each in <c>[2, 65 536]</c>.</param>
    /// <param name="outputs"><c>[N]</c> destinations; empty spans are skipped, at least one must be set.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is outside <c>[2, 65 536]</c>, or a κ is NaN,
    /// negative or above 10⁶ (the message gives the index).</exception>
    /// <exception cref="ArgumentException"><paramref name="dimensions"/> has another length than
    /// <paramref name="kappa"/>, no output is requested or a destination is shorter than N.</exception>
    public static void VonMisesFisher(
        this UqContext context, ReadOnlySpan<double> kappa, ReadOnlySpan<int> dimensions, VmfOutputs<double> outputs) =>
        VonMisesFisher<double, Real64>(context, kappa, dimensions, outputs);

    /// <summary>
    /// As <see cref="VonMisesFisher(UqContext, ReadOnlySpan{double}, ReadOnlySpan{int}, VmfOutputs{double})"/> for f32
    /// κ and outputs, computed in f64 and rounded once (why: see
    /// <see cref="VonMisesFisher(UqContext, ReadOnlySpan{float}, int, VmfOutputs{float})"/>).
    /// </summary>
    /// <inheritdoc cref="VonMisesFisher(UqContext, ReadOnlySpan{double}, ReadOnlySpan{int}, VmfOutputs{double})"/>
    public static void VonMisesFisher(
        this UqContext context, ReadOnlySpan<float> kappa, ReadOnlySpan<int> dimensions, VmfOutputs<float> outputs)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (dimensions.Length != kappa.Length)
        {
            throw new ArgumentException(
                $"dimensions has {dimensions.Length} elements but kappa has {kappa.Length}.", nameof(dimensions));
        }

        CheckVmfKappa<float, Real32>(kappa, nameof(kappa));
        if (kappa.IsEmpty)
        {
            return;
        }

        outputs.Validate(kappa.Length, nameof(outputs));
        int[] copy = dimensions.ToArray();
        InDouble(kappa, outputs, (wide, destinations) => VonMisesFisher<double, Real64>(context, wide, copy, destinations));
    }

    private delegate void WideVmfCall(ReadOnlySpan<double> kappa, VmfOutputs<double> outputs);

    /// <summary>Runs the f64 operation on the widened κ into pooled f64 destinations, then rounds them into <paramref name="outputs"/>.</summary>
    private static void InDouble(ReadOnlySpan<float> kappa, VmfOutputs<float> outputs, WideVmfCall call)
    {
        int n = kappa.Length;
        double[] wide = System.Buffers.ArrayPool<double>.Shared.Rent(n);
        double[]?[] buffers = outputs.RentWide(n);
        try
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(kappa, wide.AsSpan(0, n));
            call(wide.AsSpan(0, n), VmfOutputs<double>.Over(buffers, n));
            outputs.NarrowFrom(buffers, n);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(wide);
        }
    }

    private static void VonMisesFisher<T, TReal>(UqContext context, ReadOnlySpan<T> kappa, int dimension, VmfOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckVmfDimension(dimension, nameof(dimension));
        CheckVmfKappa<T, TReal>(kappa, nameof(kappa));
        if (kappa.IsEmpty)
        {
            return;
        }

        outputs.Validate(kappa.Length, nameof(outputs));
        VmfOrder<T> order = VmfMath.Order<T, TReal>(dimension);
        if (context.Ilgpu is { } device)
        {
            IlgpuVonMisesFisher.RunFromHost<T, TReal>(device, kappa, order, outputs);
        }
        else
        {
            CpuVonMisesFisher.Run<T, TReal>(kappa, order, outputs);
        }
    }

    private static void VonMisesFisher<T, TReal>(
        UqContext context, ReadOnlySpan<T> kappa, ReadOnlySpan<int> dimensions, VmfOutputs<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        if (dimensions.Length != kappa.Length)
        {
            throw new ArgumentException(
                $"dimensions has {dimensions.Length} elements but kappa has {kappa.Length}.", nameof(dimensions));
        }

        for (int i = 0; i < dimensions.Length; i++)
        {
            CheckVmfDimension(dimensions[i], nameof(dimensions), i);
        }

        CheckVmfKappa<T, TReal>(kappa, nameof(kappa));
        if (kappa.IsEmpty)
        {
            return;
        }

        outputs.Validate(kappa.Length, nameof(outputs));
        if (context.Ilgpu is { } device)
        {
            IlgpuVonMisesFisher.RunPerElementFromHost<T, TReal>(device, kappa, dimensions, outputs);
        }
        else
        {
            CpuVonMisesFisher.RunPerElement<T, TReal>(kappa, dimensions, outputs);
        }
    }

    private static void CheckVmfDimension(int dimension, string name, int index = -1)
    {
        if (dimension < 2 || dimension > VonMisesFisherMaxDimension)
        {
            string what = index < 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}[{index}]");
            throw new ArgumentOutOfRangeException(
                name, dimension, $"{what} = {dimension} is outside [2, {VonMisesFisherMaxDimension}].");
        }
    }

    private static void CheckVmfKappa<T, TReal>(ReadOnlySpan<T> kappa, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        // The SIMD min / max settle a valid batch without a per-element loop (TensorPrimitives.Min returns NaN when
        // any element is NaN); only a rejected batch is scanned for the index to report.
        if (kappa.IsEmpty
            || (System.Numerics.Tensors.TensorPrimitives.Min(kappa) >= T.Zero
                && TReal.ToDouble(System.Numerics.Tensors.TensorPrimitives.Max(kappa)) <= VonMisesFisherMaxKappa))
        {
            return;
        }

        for (int i = 0; i < kappa.Length; i++)
        {
            double value = TReal.ToDouble(kappa[i]);
            if (!(value >= 0 && value <= VonMisesFisherMaxKappa))
            {
                throw new ArgumentOutOfRangeException(
                    name,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{name}[{i}] = {value:R} is not a concentration in [0, {VonMisesFisherMaxKappa:R}] (NaN and negative values are rejected)."));
            }
        }
    }
}
