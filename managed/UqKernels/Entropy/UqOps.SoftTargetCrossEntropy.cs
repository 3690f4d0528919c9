using System.Numerics;
using System.Numerics.Tensors;
using UqKernels.Kernels.Math;

namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// Soft-target cross-entropy per row of logits <c>[B, C]</c> against target distributions <c>[B, C]</c>
    /// (ImageNet-ReaL / CIFAR-10H annotator distributions; untangle's <c>log_prob_score_soft_*</c> before its mean and
    /// sign): <c>CE_b = −Σ_c t_{b,c}·log softmax(x_b)_c</c>, which is <c>lse(x_b) − Σ_c t_{b,c}·x_{b,c}</c> when the
    /// targets sum to 1.
    /// </summary>
    /// <remarks>
    /// <para>One pass over each row of logits and targets, without materialising the softmax: the online state keeps
    /// <c>m = max x</c>, <c>s = Σ e^(x−m)</c>, <c>W = Σ t</c> and <c>D = Σ t·(x − m)</c>, and the result is
    /// <c>W·ln s − D = Σ_c t_c·(ln s − (x_c − m))</c>, a sum of non-negative terms, so f32 stays accurate for logits
    /// near 1000 where <c>lse − Σ t·x</c> would cancel. Targets are used as given (not renormalised): for targets that
    /// do not sum to 1 the result is <c>W·lse − Σ t·x</c>, which differs from <c>lse − Σ t·x</c> by <c>(W − 1)·lse</c>
    /// (about 1e−7·lse for f32-rounded distributions).</para>
    /// <para>NaN policy, per row (as <see cref="RowStatistics(UqContext, ReadOnlySpan{float}, MatrixShape, ReadOnlySpan{int}, RowStatisticsOutputs{float}, RowStatisticsOptions?)"/>):
    /// a NaN or <c>+∞</c> logit, or a row with no finite logit, makes that row's result NaN and never affects other rows;
    /// a <c>−∞</c> logit has probability 0, so a positive target on it gives <c>+∞</c> and a zero target on it
    /// contributes nothing.</para>
    /// <para>Accumulation is in the compute type (the CPU path adds blocks of 4,096 in f64); results may differ in the
    /// last bits between backends.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="logits">Row-major logits; row <c>r</c> starts at <c>r·shape.RowStride</c>.</param>
    /// <param name="targets">Target weights with the same shape and row stride as <paramref name="logits"/>; every viewed
    /// element must be finite and ≥ 0.</param>
    /// <param name="shape">Rows <c>B</c>, classes <c>C</c> and row stride (≥ C), shared by logits and targets.</param>
    /// <param name="destination"><c>[B]</c> cross-entropies, in nats.</param>
    /// <exception cref="ArgumentException">A shape or length is invalid; the message names the argument.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is negative, NaN or infinite (<c>targets</c>).</exception>
    public static void SoftTargetCrossEntropy(
        this UqContext context,
        ReadOnlySpan<float> logits,
        ReadOnlySpan<float> targets,
        MatrixShape shape,
        Span<float> destination) =>
        SoftTargetCrossEntropy<float, Real32>(context, logits, targets, shape, destination);

    /// <inheritdoc cref="SoftTargetCrossEntropy(UqContext, ReadOnlySpan{float}, ReadOnlySpan{float}, MatrixShape, Span{float})"/>
    public static void SoftTargetCrossEntropy(
        this UqContext context,
        ReadOnlySpan<double> logits,
        ReadOnlySpan<double> targets,
        MatrixShape shape,
        Span<double> destination) =>
        SoftTargetCrossEntropy<double, Real64>(context, logits, targets, shape, destination);

    private static void SoftTargetCrossEntropy<T, TReal>(
        UqContext context,
        ReadOnlySpan<T> logits,
        ReadOnlySpan<T> targets,
        MatrixShape shape,
        Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        shape.Validate(logits.Length, nameof(logits));
        shape.Validate(targets.Length, nameof(targets));
        if (destination.Length < shape.Rows)
        {
            throw new ArgumentException(
                $"{nameof(destination)} has {destination.Length} elements but there are {shape.Rows} rows.",
                nameof(destination));
        }

        CheckSoftTargets(targets, shape, nameof(targets));
        if (context.Ilgpu is { } device)
        {
            IlgpuSoftTargetCrossEntropy.RunFromHost<T, TReal>(device, logits, targets, shape, destination);
        }
        else
        {
            CpuSoftTargetCrossEntropy.Run<T, TReal>(logits, targets, shape, destination);
        }
    }

    /// <summary>Every viewed target must be finite and non-negative (a NaN fails <c>min ≥ 0</c>).</summary>
    private static void CheckSoftTargets<T>(ReadOnlySpan<T> targets, MatrixShape shape, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int row = 0; row < shape.Rows; row++)
        {
            ReadOnlySpan<T> values = targets.Slice((int)(row * shape.RowStride), shape.Columns);
            if (TensorPrimitives.Min(values) >= T.Zero && T.IsFinite(TensorPrimitives.Max(values)))
            {
                continue;
            }

            for (int column = 0; column < values.Length; column++)
            {
                T value = values[column];
                if (!(value >= T.Zero) || !T.IsFinite(value))
                {
                    throw new ArgumentOutOfRangeException(
                        name, $"{name}[{row}, {column}] = {value} must be finite and non-negative.");
                }
            }
        }
    }
}
