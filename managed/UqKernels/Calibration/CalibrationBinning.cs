namespace UqKernels;

/// <summary>
/// The bin-edge convention of ECE/MCE (uq_metrics.md §1.5). Edges are <c>e_k = k/K</c> rounded to the input type
/// (f32 input: <c>float32(k)/float32(K)</c>); the variants differ only for confidences exactly on an edge, which is
/// common for over-confident f32 softmax (κ = 1.0 exactly).
/// </summary>
public enum CalibrationBinning
{
    /// <summary>
    /// untangle and <c>sklearn.calibration.calibration_curve(strategy='uniform')</c> (the default): right-closed bins
    /// <c>(e_k, e_{k+1}]</c>; κ = 0 is in bin 0 and κ = 1 in bin K−1.
    /// </summary>
    Untangle = 0,

    /// <summary>torchmetrics: left-closed bins <c>[e_k, e_{k+1})</c>; κ = 1 goes to an extra bin K, so there are K+1 bins.</summary>
    TorchMetrics = 1,

    /// <summary>Guo et al. (2017) / Galil: right-closed bins <c>(e_k, e_{k+1}]</c> without clamping; κ = 0 is in no bin but still counts in N.</summary>
    Guo = 2,
}
