using UqKernels.Kernels.Calibration;

namespace UqKernels;

/// <summary>Options of <see cref="UqOps.Calibration(UqContext, ReadOnlySpan{float}, ReadOnlySpan{float}, CalibrationOptions?)"/>.</summary>
public sealed record CalibrationOptions
{
    /// <summary>The defaults: 15 bins (untangle, torchmetrics and Guo et al.), untangle edges, no per-bin arrays.</summary>
    public static CalibrationOptions Default { get; } = new();

    /// <summary>Number of equal-width bins <c>K</c>, in <c>[1, 1024]</c>.</summary>
    public int Bins { get; init; } = 15;

    /// <summary>The bin-edge convention.</summary>
    public CalibrationBinning Binning { get; init; } = CalibrationBinning.Untangle;

    /// <summary>
    /// When true, <see cref="CalibrationResult.BinCounts"/>, <see cref="CalibrationResult.BinConfidence"/> and
    /// <see cref="CalibrationResult.BinAccuracy"/> are filled (reliability diagram); otherwise they are null.
    /// </summary>
    public bool IncludeBins { get; init; }

    internal void Validate()
    {
        if (Bins < 1 || Bins > CalibrationBins.MaxBins)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Bins), Bins, $"Bins must be in [1, {CalibrationBins.MaxBins}].");
        }

        if (!Enum.IsDefined(Binning))
        {
            throw new ArgumentOutOfRangeException(nameof(Binning), Binning, "Binning is not a CalibrationBinning value.");
        }
    }
}
