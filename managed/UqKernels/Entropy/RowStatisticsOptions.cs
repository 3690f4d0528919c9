using System.Numerics;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>Options of the single-model row-statistics pass.</summary>
public sealed record RowStatisticsOptions
{
    /// <summary>The defaults: temperature 1, ignore index −100, k = 5, no label smoothing.</summary>
    public static RowStatisticsOptions Default { get; } = new();

    /// <summary>Temperature <c>T &gt; 0</c>; logits are scaled by <c>1/T</c> on load.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Labels equal to this value are excluded: their label outputs are NaN (PyTorch/HF −100).</summary>
    public int IgnoreIndex { get; init; } = -100;

    /// <summary><c>k</c> of top-k correctness (≥ 1; untangle uses 5).</summary>
    public int TopK { get; init; } = 5;

    /// <summary>Label smoothing <c>ε ∈ [0, 1)</c> for <see cref="RowStatisticsOutputs{T}.LabelSmoothedCrossEntropy"/>.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>The kernel constants for <paramref name="columns"/> classes (validates first).</summary>
    internal RowStatisticsParameters<T> ToParameters<T, TReal>(int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        Validate();
        return new RowStatisticsParameters<T>
        {
            Columns = columns,
            InverseTemperature = TReal.FromDouble(1.0 / Temperature),
            IgnoreIndex = IgnoreIndex,
            TopK = TopK,
            LabelSmoothing = TReal.FromDouble(LabelSmoothing),
        };
    }

    internal void Validate()
    {
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Temperature), Temperature, "Temperature must be finite and greater than 0.");
        }

        if (TopK < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be at least 1.");
        }

        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(LabelSmoothing), LabelSmoothing, "LabelSmoothing must be in [0, 1).");
        }
    }
}
