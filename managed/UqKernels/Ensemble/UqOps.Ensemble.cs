using System.Numerics;
using System.Runtime.InteropServices;
using UqKernels.Cpu;
using UqKernels.Kernels.Ensemble;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <content>The ensemble / MC-sample uncertainty decomposition.</content>
public static partial class UqOps
{
    /// <summary>
    /// Ensemble / MC-sample uncertainty decomposition of logits from <c>M</c> members (deep-ensemble members, MC-dropout
    /// samples, heads) for <c>B</c> samples over <c>C</c> classes (uq_metrics.md §1.4): total = aleatoric + epistemic
    /// (mutual information, KL and difference forms), the dual BMA, the Bregman epistemic term, MSPs, expected
    /// variances, NLLs and the BMA arg-max.
    /// </summary>
    /// <remarks>
    /// <para>With <c>p_m = softmax(x_m/T)</c>, <c>p̄ = (1/M) Σ_m p_m</c> and <c>x̄ = (1/M) Σ_m x_m/T</c>:
    /// total <c>H(p̄)</c>; aleatoric <c>(1/M) Σ_m H(p_m)</c>; MI <c>(1/M) Σ_m KL(p_m ‖ p̄)</c> computed directly (each
    /// summand non-negative, no cancellation of two entropies) and as <c>H(p̄) − E[H]</c>; dual BMA
    /// <c>p̃ = softmax(x̄) = softmax((1/M) Σ_m log p_m)</c> and <c>H(p̃)</c>; Bregman
    /// <c>(1/M) Σ_m lse(x_m) − lse(x̄) ≥ 0</c>, combined in f64 on every backend because it is a small difference of
    /// large terms; <c>log p̄_c</c> by an M-term log-sum-exp of <c>log p_{m,c}</c>; unbiased variances (0 for M = 1);
    /// <c>NLL_BMA = −log p̄_y</c>, <c>NLL_dual = lse(x̄) − x̄_y</c>. No softmax is materialised.</para>
    /// <para>NaN policy, per sample: a <c>−∞</c> logit has probability 0 (then <see cref="EnsembleOutputs{T}.VarianceLogits"/>
    /// is NaN, as <c>torch.var</c>); if any member row of a sample contains NaN or <c>+∞</c>, or is entirely <c>−∞</c>,
    /// every output of that sample is NaN and its arg-max −1, and no other sample is affected. A label equal to
    /// <see cref="EnsembleOptions.IgnoreIndex"/> makes that sample's NLLs NaN.</para>
    /// <para>Identical members (or M = 1) give MI (KL form), Bregman and both variances exactly 0; the difference form
    /// is 0 up to rounding. Accumulation is in the compute type (f32 for f32/f16/bf16, f64 for f64) except the Bregman
    /// combination; results may differ in the last bits between backends.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="logits">Dense logits of <c>M·B·C</c> elements in <paramref name="layout"/>.</param>
    /// <param name="members">Number of members <c>M</c> (≥ 1).</param>
    /// <param name="batch">Number of samples <c>B</c> (≥ 1).</param>
    /// <param name="classes">Number of classes <c>C</c> (≥ 1).</param>
    /// <param name="layout"><c>[B, M, C]</c> or <c>[M, B, C]</c>.</param>
    /// <param name="labels"><c>[B]</c> labels in <c>[0, C)</c> or the ignore index; empty when no NLL is requested.</param>
    /// <param name="outputs">Destinations; empty spans are skipped.</param>
    /// <param name="options">Temperature and ignore index; <see cref="EnsembleOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A size, length or option is invalid; the parameter name says which.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the layout is unknown, or a label is outside <c>[0, C)</c> and is not the ignore index.</exception>
    public static void EnsembleDecomposition(
        this UqContext context,
        ReadOnlySpan<float> logits,
        int members,
        int batch,
        int classes,
        EnsembleLayout layout,
        ReadOnlySpan<int> labels,
        EnsembleOutputs<float> outputs,
        EnsembleOptions? options = null) =>
        EnsembleDecomposition<float, float, float, LoadF32, Real32, WidenF32>(
            context, logits, members, batch, classes, layout, labels, outputs, options);

    /// <inheritdoc cref="EnsembleDecomposition(UqContext, ReadOnlySpan{float}, int, int, int, EnsembleLayout, ReadOnlySpan{int}, EnsembleOutputs{float}, EnsembleOptions?)"/>
    public static void EnsembleDecomposition(
        this UqContext context,
        ReadOnlySpan<double> logits,
        int members,
        int batch,
        int classes,
        EnsembleLayout layout,
        ReadOnlySpan<int> labels,
        EnsembleOutputs<double> outputs,
        EnsembleOptions? options = null) =>
        EnsembleDecomposition<double, double, double, LoadF64, Real64, WidenF64>(
            context, logits, members, batch, classes, layout, labels, outputs, options);

    /// <inheritdoc cref="EnsembleDecomposition(UqContext, ReadOnlySpan{float}, int, int, int, EnsembleLayout, ReadOnlySpan{int}, EnsembleOutputs{float}, EnsembleOptions?)"/>
    public static void EnsembleDecomposition(
        this UqContext context,
        ReadOnlySpan<Half> logits,
        int members,
        int batch,
        int classes,
        EnsembleLayout layout,
        ReadOnlySpan<int> labels,
        EnsembleOutputs<float> outputs,
        EnsembleOptions? options = null) =>
        EnsembleDecomposition<Half, ushort, float, LoadF16, Real32, WidenF16>(
            context, logits, members, batch, classes, layout, labels, outputs, options);

    /// <inheritdoc cref="EnsembleDecomposition(UqContext, ReadOnlySpan{float}, int, int, int, EnsembleLayout, ReadOnlySpan{int}, EnsembleOutputs{float}, EnsembleOptions?)"/>
    public static void EnsembleDecomposition(
        this UqContext context,
        ReadOnlySpan<BFloat16> logits,
        int members,
        int batch,
        int classes,
        EnsembleLayout layout,
        ReadOnlySpan<int> labels,
        EnsembleOutputs<float> outputs,
        EnsembleOptions? options = null) =>
        EnsembleDecomposition<BFloat16, ushort, float, LoadBf16, Real32, WidenBf16>(
            context, logits, members, batch, classes, layout, labels, outputs, options);

    private static void EnsembleDecomposition<TStorage, TDevice, T, TLoad, TReal, TWiden>(
        UqContext context,
        ReadOnlySpan<TStorage> logits,
        int members,
        int batch,
        int classes,
        EnsembleLayout layout,
        ReadOnlySpan<int> labels,
        EnsembleOutputs<T> outputs,
        EnsembleOptions? options)
        where TStorage : unmanaged
        where TDevice : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TDevice, T>
        where TReal : struct, IReal<T>
        where TWiden : struct, IRowWidening<TStorage, T>
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= EnsembleOptions.Default;
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(members);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (layout is not (EnsembleLayout.SampleMajor or EnsembleLayout.MemberMajor))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "Unknown ensemble layout.");
        }

        Int128 required = (Int128)members * batch * classes;
        if (logits.Length != required)
        {
            throw new ArgumentException(
                $"{nameof(logits)} has {logits.Length} elements but M·B·C = {members}·{batch}·{classes} = {required}.",
                nameof(logits));
        }

        Check.Labels(labels, batch, classes, options.IgnoreIndex, nameof(labels));
        outputs.Validate(batch, !labels.IsEmpty, nameof(outputs), nameof(labels));
        var parameters = new EnsembleParameters<T>
        {
            Batch = batch,
            Members = members,
            Classes = classes,
            SampleStride = layout == EnsembleLayout.SampleMajor ? (long)members * classes : classes,
            MemberStride = layout == EnsembleLayout.SampleMajor ? classes : (long)batch * classes,
            InverseTemperature = TReal.FromDouble(1.0 / options.Temperature),
            IgnoreIndex = options.IgnoreIndex,
        };
        if (context.Ilgpu is { } device)
        {
            IlgpuEnsemble.RunFromHost<TDevice, T, TLoad, TReal>(
                device, MemoryMarshal.Cast<TStorage, TDevice>(logits), labels, outputs, parameters);
        }
        else
        {
            CpuEnsemble.Run<TStorage, T, TReal, TWiden>(logits, labels, outputs, parameters);
        }
    }
}
