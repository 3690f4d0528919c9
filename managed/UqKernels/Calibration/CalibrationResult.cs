namespace UqKernels;

/// <summary>
/// Calibration of a set of confidences against correctness (uq_metrics.md §1.5). All values are computed with f64
/// sums; ECE and MCE are "lower is better", the two binary scores are "higher is better" (untangle's sign).
/// </summary>
public sealed record CalibrationResult
{
    /// <summary>Expected calibration error <c>Σ_k (n_k/N)·|acc_k − conf_k|</c>, in <c>[0, 1]</c>.</summary>
    public required double Ece { get; init; }

    /// <summary>Maximum calibration error <c>max_k |acc_k − conf_k|</c> over all bins (empty bins count 0), <c>ECE ≤ MCE ≤ 1</c>.</summary>
    public required double Mce { get; init; }

    /// <summary>
    /// <c>mean_i [c_i ln κ̂_i + (1−c_i) ln(1−κ̂_i)]</c> with <c>κ̂ = clamp(κ, 1e−7, 1 − 1e−7)</c>; the clamp is applied
    /// to κ widened to f64 with f64 bounds, for f32 and f64 input alike (so a κ of 1 contributes <c>ln 1e−7</c> when wrong).
    /// </summary>
    public required double BinaryLogProb { get; init; }

    /// <summary><c>−mean_i (κ_i² + c_i − 2κ_i c_i)</c> (<c>= −mean (κ − c)²</c> for hard c), in <c>[−1, 0]</c> for hard c.</summary>
    public required double BinaryBrier { get; init; }

    /// <summary>Number of samples <c>N</c> (every sample counts in N, including those the Guo variant puts in no bin).</summary>
    public required long Count { get; init; }

    /// <summary>The number of bins <c>K</c> requested.</summary>
    public required int Bins { get; init; }

    /// <summary>The bin-edge convention used.</summary>
    public required CalibrationBinning Binning { get; init; }

    /// <summary>
    /// <c>n_k</c> per bin (K entries, K+1 for <see cref="CalibrationBinning.TorchMetrics"/>), or null unless
    /// <see cref="CalibrationOptions.IncludeBins"/> is set.
    /// </summary>
    public IReadOnlyList<long>? BinCounts { get; init; }

    /// <summary><c>conf_k</c>, the mean confidence per bin (0 for an empty bin), or null unless requested.</summary>
    public IReadOnlyList<double>? BinConfidence { get; init; }

    /// <summary><c>acc_k</c>, the mean correctness per bin (0 for an empty bin), or null unless requested.</summary>
    public IReadOnlyList<double>? BinAccuracy { get; init; }
}
