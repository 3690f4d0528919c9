namespace UqKernels;

/// <summary>
/// Device-resident destinations of the single-model pass (each <c>[B]</c>, on the same context as the logits);
/// null outputs are skipped. See <see cref="RowStatisticsOutputs{T}"/> for what each holds.
/// </summary>
/// <typeparam name="T">f32 for f32/f16/bf16 logits, f64 for f64 logits.</typeparam>
public sealed class RowStatisticsDeviceOutputs<T>
    where T : unmanaged
{
    /// <inheritdoc cref="RowStatisticsOutputs{T}.Lse"/>
    public DeviceTensor<T>? Lse { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.Entropy"/>
    public DeviceTensor<T>? Entropy { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.Msp"/>
    public DeviceTensor<T>? Msp { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.ProbabilityMargin"/>
    public DeviceTensor<T>? ProbabilityMargin { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.LogitMargin"/>
    public DeviceTensor<T>? LogitMargin { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.Nll"/>
    public DeviceTensor<T>? Nll { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.Brier"/>
    public DeviceTensor<T>? Brier { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.Top1Correct"/>
    public DeviceTensor<T>? Top1Correct { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.TopKCorrect"/>
    public DeviceTensor<T>? TopKCorrect { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.LabelSmoothedCrossEntropy"/>
    public DeviceTensor<T>? LabelSmoothedCrossEntropy { get; init; }

    /// <inheritdoc cref="RowStatisticsOutputs{T}.ArgMax"/>
    public DeviceTensor<int>? ArgMax { get; init; }
}
