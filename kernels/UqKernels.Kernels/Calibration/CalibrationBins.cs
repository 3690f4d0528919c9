using System.Numerics;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Calibration;

/// <summary>
/// Which bin-edge convention assigns a confidence to a bin (uq_metrics.md §1.5). The variants differ only for
/// confidences exactly on an edge <c>e_k = k/K</c>.
/// </summary>
public enum CalibrationBinRule
{
    /// <summary>
    /// untangle / sklearn <c>calibration_curve(strategy='uniform')</c>: right-closed bins <c>(e_k, e_{k+1}]</c>; the bin
    /// index is the number of inner edges <c>e_1..e_{K−1}</c> strictly below κ, so κ = 0 is in bin 0, κ = 1 in bin
    /// K−1, and values outside [0, 1] clamp.
    /// </summary>
    Untangle = 0,

    /// <summary>
    /// torchmetrics: left-closed bins <c>[e_k, e_{k+1})</c>; κ = 1 goes to an extra bin K (so there are K+1 bins);
    /// κ &lt; 0 is in no bin.
    /// </summary>
    TorchMetrics = 1,

    /// <summary>Guo et al. / Galil: right-closed bins <c>(e_k, e_{k+1}]</c> without clamping; κ ≤ 0 and κ &gt; 1 are in no bin but still count in N.</summary>
    Guo = 2,
}

/// <summary>Per-bin partial sums of one block of samples: <c>n_k</c>, <c>Σ κ</c> and <c>Σ c</c> (f64).</summary>
public struct CalibrationBinPartial
{
    /// <summary>Number of samples in the bin.</summary>
    public long Count;

    /// <summary><c>Σ κ_i</c> over the bin, in f64.</summary>
    public double SumConfidence;

    /// <summary><c>Σ c_i</c> over the bin, in f64.</summary>
    public double SumCorrect;

    /// <summary>Adds another partial of the same bin.</summary>
    public void Merge(in CalibrationBinPartial other)
    {
        Count += other.Count;
        SumConfidence += other.SumConfidence;
        SumCorrect += other.SumCorrect;
    }
}

/// <summary>The calibration summary finalized from the per-bin sums (uq_metrics.md §1.5).</summary>
public struct CalibrationSummary
{
    /// <summary><c>ECE = Σ_k (n_k/N)·|acc_k − conf_k|</c>.</summary>
    public double Ece;

    /// <summary><c>MCE = max_k |acc_k − conf_k|</c> (empty bins contribute 0).</summary>
    public double Mce;

    /// <summary><c>mean_i [c ln κ̂ + (1−c) ln(1−κ̂)]</c>, <c>κ̂ = clamp(κ, 1e−7, 1−1e−7)</c> in f64.</summary>
    public double BinaryLogProb;

    /// <summary><c>−mean_i (κ² + c − 2κc)</c>.</summary>
    public double BinaryBrier;
}

/// <summary>The bin edges <c>e_0..e_K</c> of one call, so the device computes them and the CPU reads a table of the same values.</summary>
/// <typeparam name="T">The input (comparison) type.</typeparam>
public interface ICalibrationEdges<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary><c>e_k</c>, <c>0 ≤ k ≤ K</c>.</summary>
    T Edge(int k);
}

/// <summary>Edges computed on the fly by <see cref="CalibrationBins.Edge{T, TReal}"/> (the device kernel's source).</summary>
/// <typeparam name="T">The input type.</typeparam>
/// <typeparam name="TReal">Its operator struct.</typeparam>
public struct ComputedCalibrationEdges<T, TReal> : ICalibrationEdges<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReal : struct, IReal<T>
{
    /// <summary>K.</summary>
    public int Bins;

    /// <inheritdoc/>
    public readonly T Edge(int k) => CalibrationBins.Edge<T, TReal>(k, Bins);
}

/// <summary>
/// The scalar calibration math shared by the CPU path and <see cref="CalibrationKernel"/>: bin index per variant,
/// per-sample proper-score terms, and the finalization of per-bin sums.
/// </summary>
/// <remarks>
/// Bin edges are <c>e_k = k/K</c> rounded once to the input type (f32 input: <c>float32(k)/float32(K)</c>, which is
/// what <c>torch.linspace</c>/numpy give in f32 up to 1 ulp). They are computed as the f64 quotient rounded to the
/// input type: for <c>K &lt; 2²⁹</c> that double rounding is exact (an f64 quotient of small integers can never land
/// on an f32 rounding midpoint), and f64 division is correctly rounded on every backend (OpenCL's f32 division is
/// not). The device computes the edges it needs (<see cref="ComputedCalibrationEdges{T, TReal}"/>); the CPU path reads
/// a table filled by the same <see cref="Edge{T, TReal}"/>. Comparisons are done in the input type, sums in f64.
/// <para>The binary log-probability clamps κ widened to f64 with the f64 bounds <c>1e−7</c> and <c>1 − 1e−7</c>, for
/// f32 input too: that is the spec's formula with no dependence on the storage type (the same κ gives the same
/// score from f32 and f64 input), and it is what the reference's <c>binary_log_prob</c> holds. Clamping with f32
/// bounds instead (<c>binary_log_prob_f32clamp</c>, PyTorch's f32 <c>clamp</c>) moves the upper bound to
/// <c>1 − 2⁻²³</c> and changes a wrong κ = 1 from <c>ln 1e−7 = −16.12</c> to <c>−15.94</c>.</para>
/// </remarks>
public static class CalibrationBins
{
    /// <summary>Largest supported <c>K</c>; the device kernel sizes its shared-memory bins for <c>K + 1</c>.</summary>
    public const int MaxBins = 1024;

    /// <summary>Lower clamp of κ in the binary log-probability.</summary>
    public const double LogProbClampLow = 1e-7;

    /// <summary>Upper clamp of κ in the binary log-probability (<c>1 − 1e−7</c>, in f64).</summary>
    public const double LogProbClampHigh = 1 - 1e-7;

    /// <summary>Number of bins the rule produces: <c>K + 1</c> for <see cref="CalibrationBinRule.TorchMetrics"/>, else <c>K</c>.</summary>
    public static int BinSlots(int bins, CalibrationBinRule rule) => rule == CalibrationBinRule.TorchMetrics ? bins + 1 : bins;

    /// <summary>The edge <c>e_k = k/K</c> rounded once to <typeparamref name="T"/>.</summary>
    public static T Edge<T, TReal>(int k, int bins)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T> => TReal.FromDouble((double)k / bins);

    /// <summary>
    /// The bin of confidence <paramref name="confidence"/> under <paramref name="rule"/>, in <c>[0, BinSlots)</c>,
    /// or −1 when the rule puts it in no bin (Guo: κ ≤ 0 or κ &gt; 1; torchmetrics: κ &lt; 0). NaN gives bin 0
    /// (untangle) or −1 (the others); public entry points reject NaN before calling this.
    /// </summary>
    /// <param name="confidence">κ in the input type.</param>
    /// <param name="bins">K.</param>
    /// <param name="rule">The edge convention.</param>
    /// <param name="edges">The edges <c>e_0..e_K</c>: computed (<see cref="ComputedCalibrationEdges{T, TReal}"/>) or a table of the same values.</param>
    public static int BinIndex<T, TReal, TEdges>(T confidence, int bins, CalibrationBinRule rule, in TEdges edges)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TEdges : struct, ICalibrationEdges<T>
    {
        if (rule == CalibrationBinRule.TorchMetrics)
        {
            // #{k ∈ 0..K : e_k ≤ κ} − 1, and e_0 = 0.
            return confidence >= T.Zero ? CountEdges<T, TReal, TEdges>(confidence, bins, inclusive: true, edges) : -1;
        }

        int below = CountEdges<T, TReal, TEdges>(confidence, bins, inclusive: false, edges);
        if (rule == CalibrationBinRule.Guo)
        {
            // #{k ∈ 0..K : e_k < κ} − 1 when that lies in [0, K); otherwise no bin.
            return confidence > T.Zero && below < bins ? below : -1;
        }

        // #{k ∈ 1..K−1 : e_k < κ}, i.e. the count over 1..K clamped to K − 1.
        return below < bins ? below : bins - 1;
    }

    /// <summary>
    /// <c>#{k ∈ 1..K : e_k &lt; κ}</c> (or <c>≤</c> when <paramref name="inclusive"/>): a guess <c>⌊κK⌋</c> corrected
    /// by comparing against the exact rounded edges (at most a step or two), so the answer is exact for every κ.
    /// </summary>
    public static int CountEdges<T, TReal, TEdges>(T confidence, int bins, bool inclusive, in TEdges edges)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TEdges : struct, ICalibrationEdges<T>
    {
        double scaled = TReal.ToDouble(confidence) * bins;
        int count = scaled >= bins ? bins : scaled > 0 ? (int)scaled : 0;
        while (count > 0 && !IsBelow(edges.Edge(count), confidence, inclusive))
        {
            count--;
        }

        while (count < bins && IsBelow(edges.Edge(count + 1), confidence, inclusive))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// The per-sample term <c>c·ln κ̂ + (1−c)·ln(1−κ̂)</c> with <c>κ̂ = clamp(float64(κ), 1e−7, 1 − 1e−7)</c> clamped
    /// in f64. A term whose coefficient is exactly 0 is skipped (hard labels need one logarithm).
    /// </summary>
    public static double LogProbTerm(double confidence, double correct)
    {
        double clamped = confidence < LogProbClampLow ? LogProbClampLow
            : confidence > LogProbClampHigh ? LogProbClampHigh
            : confidence;
        double term = 0;
        if (correct != 0)
        {
            term += correct * Real64.Log(clamped);
        }

        double wrong = 1 - correct;
        if (wrong != 0)
        {
            term += wrong * Real64.Log(1 - clamped);
        }

        return term;
    }

    /// <summary>The per-sample term <c>κ² + c − 2κc</c> of the binary Brier score (<c>(κ − c)²</c> for hard c).</summary>
    public static double BrierTerm(double confidence, double correct) =>
        (confidence * confidence) + correct - (2 * confidence * correct);

    /// <summary>
    /// ECE, MCE and the two binary proper scores from the merged per-bin sums of all <paramref name="count"/> samples
    /// and the sums of <see cref="LogProbTerm"/> and <see cref="BrierTerm"/>. Writes <c>conf_k</c> and <c>acc_k</c>
    /// (0 for empty bins) into <paramref name="binConfidence"/> and <paramref name="binAccuracy"/> when they are not
    /// empty.
    /// </summary>
    public static CalibrationSummary Finalize(
        ReadOnlySpan<CalibrationBinPartial> bins,
        long count,
        double sumLogProb,
        double sumBrier,
        Span<double> binConfidence,
        Span<double> binAccuracy)
    {
        double total = count;
        double ece = 0;
        double mce = 0;
        for (int k = 0; k < bins.Length; k++)
        {
            CalibrationBinPartial bin = bins[k];
            double confidence = 0;
            double accuracy = 0;
            if (bin.Count > 0)
            {
                double n = bin.Count;
                confidence = bin.SumConfidence / n;
                accuracy = bin.SumCorrect / n;
                double gap = System.Math.Abs(accuracy - confidence);
                ece += n / total * gap;
                mce = gap > mce ? gap : mce;
            }

            if (!binConfidence.IsEmpty)
            {
                binConfidence[k] = confidence;
            }

            if (!binAccuracy.IsEmpty)
            {
                binAccuracy[k] = accuracy;
            }
        }

        return new CalibrationSummary
        {
            Ece = ece,
            Mce = mce,
            BinaryLogProb = sumLogProb / total,
            BinaryBrier = -(sumBrier / total),
        };
    }

    private static bool IsBelow<T>(T edge, T confidence, bool inclusive)
        where T : unmanaged, IFloatingPointIeee754<T> => inclusive ? edge <= confidence : edge < confidence;
}
