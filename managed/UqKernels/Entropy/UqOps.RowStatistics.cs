using System.Numerics;
using System.Runtime.InteropServices;
using UqKernels.Cpu;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>The UqKernels operations, one public operation per file, as extension methods of <see cref="UqContext"/>.</summary>
public static partial class UqOps
{
    /// <summary>
    /// Single-model per-row statistics in one pass over each row of logits <c>[B, C]</c>: log-sum-exp, entropy,
    /// MSP, probability and logit margins, arg-max, and with labels NLL, Brier, top-1 / top-k correctness and the
    /// label-smoothed cross-entropy.
    /// </summary>
    /// <remarks>
    /// <para>Effectively computes, for each row <c>x</c> scaled by <c>1/T</c> and <c>p = softmax(x)</c>:
    /// <c>lse = log Σ e^x</c>, <c>H = −Σ p log p</c>, <c>MSP = max p</c>, <c>NLL = lse − x_y</c>,
    /// <c>Brier = Σ (p_c − 1[c = y])²</c>, without materialising <c>p</c> and without cancellation
    /// (uq_metrics.md §1.2: <c>H = ln s − t/s</c>, <c>NLL = ln s − (x_y − m)</c>).</para>
    /// <para>NaN policy, per row: a <c>−∞</c> logit has probability 0; a NaN or <c>+∞</c> logit, or a row with no
    /// finite logit, makes every output of that row NaN and its arg-max −1, and never affects other rows. A label
    /// equal to <see cref="RowStatisticsOptions.IgnoreIndex"/> makes that row's label outputs NaN.</para>
    /// <para>Accumulation is in the compute type (f32 for f32/f16/bf16 logits, f64 for f64); the CPU path adds
    /// blocks of 4,096 in f64. Results may differ in the last bits between backends.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="logits">Row-major logits; row <c>r</c> starts at <c>r·shape.RowStride</c>.</param>
    /// <param name="shape">Rows <c>B</c>, classes <c>C</c> and row stride (≥ C).</param>
    /// <param name="labels"><c>[B]</c> labels in <c>[0, C)</c> or the ignore index; empty when no label output is requested.</param>
    /// <param name="outputs">Destinations; empty spans are skipped.</param>
    /// <param name="options">Temperature, ignore index, k and label smoothing; <see cref="RowStatisticsOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">A shape, length or option is invalid; the message names the argument.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, C)</c> and is not the ignore index.</exception>
    public static void RowStatistics(
        this UqContext context,
        ReadOnlySpan<float> logits,
        MatrixShape shape,
        ReadOnlySpan<int> labels,
        RowStatisticsOutputs<float> outputs,
        RowStatisticsOptions? options = null) =>
        RowStatistics<float, float, float, LoadF32, Real32, WidenF32>(context, logits, shape, labels, outputs, options);

    /// <inheritdoc cref="RowStatistics(UqContext, ReadOnlySpan{float}, MatrixShape, ReadOnlySpan{int}, RowStatisticsOutputs{float}, RowStatisticsOptions?)"/>
    public static void RowStatistics(
        this UqContext context,
        ReadOnlySpan<double> logits,
        MatrixShape shape,
        ReadOnlySpan<int> labels,
        RowStatisticsOutputs<double> outputs,
        RowStatisticsOptions? options = null) =>
        RowStatistics<double, double, double, LoadF64, Real64, WidenF64>(context, logits, shape, labels, outputs, options);

    /// <inheritdoc cref="RowStatistics(UqContext, ReadOnlySpan{float}, MatrixShape, ReadOnlySpan{int}, RowStatisticsOutputs{float}, RowStatisticsOptions?)"/>
    public static void RowStatistics(
        this UqContext context,
        ReadOnlySpan<Half> logits,
        MatrixShape shape,
        ReadOnlySpan<int> labels,
        RowStatisticsOutputs<float> outputs,
        RowStatisticsOptions? options = null) =>
        RowStatistics<Half, ushort, float, LoadF16, Real32, WidenF16>(context, logits, shape, labels, outputs, options);

    /// <inheritdoc cref="RowStatistics(UqContext, ReadOnlySpan{float}, MatrixShape, ReadOnlySpan{int}, RowStatisticsOutputs{float}, RowStatisticsOptions?)"/>
    public static void RowStatistics(
        this UqContext context,
        ReadOnlySpan<BFloat16> logits,
        MatrixShape shape,
        ReadOnlySpan<int> labels,
        RowStatisticsOutputs<float> outputs,
        RowStatisticsOptions? options = null) =>
        RowStatistics<BFloat16, ushort, float, LoadBf16, Real32, WidenBf16>(
            context, logits, shape, labels, outputs, options);

    private static void RowStatistics<TStorage, TDevice, T, TLoad, TReal, TWiden>(
        UqContext context,
        ReadOnlySpan<TStorage> logits,
        MatrixShape shape,
        ReadOnlySpan<int> labels,
        RowStatisticsOutputs<T> outputs,
        RowStatisticsOptions? options)
        where TStorage : unmanaged
        where TDevice : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLoad : struct, IElementLoader<TDevice, T>
        where TReal : struct, IReal<T>
        where TWiden : struct, IRowWidening<TStorage, T>
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= RowStatisticsOptions.Default;
        options.Validate();
        shape.Validate(logits.Length, nameof(logits));
        Check.Labels(labels, shape.Rows, shape.Columns, options.IgnoreIndex, nameof(labels));
        outputs.Validate(shape.Rows, !labels.IsEmpty, nameof(outputs), nameof(labels));
        RowStatisticsParameters<T> parameters = options.ToParameters<T, TReal>(shape.Columns);
        if (context.Ilgpu is { } device)
        {
            IlgpuRowStatistics.RunFromHost<TDevice, T, TLoad, TReal>(
                device, MemoryMarshal.Cast<TStorage, TDevice>(logits), shape, labels, outputs, parameters);
        }
        else
        {
            CpuRowStatistics.Run<TStorage, T, TReal, TWiden>(logits, shape, labels, outputs, parameters);
        }
    }
}
