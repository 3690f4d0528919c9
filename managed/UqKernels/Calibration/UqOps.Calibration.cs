using System.Numerics;
using System.Numerics.Tensors;
using UqKernels.Kernels.Calibration;
using UqKernels.Kernels.Math;

namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// ECE / MCE with equal-width bins and the binary proper scores (log-probability, Brier) of confidences
    /// <c>κ [N]</c> against correctness <c>c [N]</c>, untangle semantics (uq_metrics.md §1.5).
    /// </summary>
    /// <remarks>
    /// <para>Bins: edges <c>e_k = k/K</c> rounded once to the input type (f32 input: <c>float32(k)/float32(K)</c>);
    /// κ is compared in the input type. Per bin <c>n_k</c>, <c>conf_k = mean κ</c>, <c>acc_k = mean c</c> (0 when
    /// empty); <c>ECE = Σ_k (n_k/N)|acc_k − conf_k|</c>, <c>MCE = max_k |acc_k − conf_k|</c>. The edge convention is
    /// <see cref="CalibrationOptions.Binning"/>.</para>
    /// <para>Binary scores: <c>mean [c ln κ̂ + (1−c) ln(1−κ̂)]</c>, <c>κ̂ = clamp(κ, 1e−7, 1−1e−7)</c> clamped in f64
    /// (not with f32 bounds, whose upper end is <c>1 − 2⁻²³</c>), and <c>−mean (κ² + c − 2κc)</c>.</para>
    /// <para>All sums are f64 and the device path uses fixed per-group partials merged in order (no float atomics),
    /// so repeated runs on one backend give identical results; backends may differ in the last bits. The device path
    /// needs f64 arithmetic (every CUDA device; OpenCL devices with <c>cl_khr_fp64</c>).</para>
    /// <para>NaN policy: NaN is rejected, not skipped — a NaN confidence or correctness throws
    /// <see cref="ArgumentException"/> naming the argument (drop such samples before calling).</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="confidence"><c>[N]</c> confidences κ ∈ [0, 1] (MSP, expected MSP, 1 − error probability, …); N ≥ 1.</param>
    /// <param name="correct"><c>[N]</c> correctness c ∈ [0, 1], hard 0/1 or soft.</param>
    /// <param name="options">Bins, edge convention, per-bin arrays; <see cref="CalibrationOptions.Default"/> when null.</param>
    /// <returns>ECE, MCE, binary log-probability, binary Brier and optionally the per-bin statistics.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="confidence"/> is empty or holds NaN, <paramref name="correct"/> has another length or holds NaN.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A confidence or correctness is outside [0, 1], or an option is invalid.</exception>
    public static CalibrationResult Calibration(
        this UqContext context,
        ReadOnlySpan<float> confidence,
        ReadOnlySpan<float> correct,
        CalibrationOptions? options = null) =>
        Calibration<float, Real32>(context, confidence, correct, options);

    /// <inheritdoc cref="Calibration(UqContext, ReadOnlySpan{float}, ReadOnlySpan{float}, CalibrationOptions?)"/>
    public static CalibrationResult Calibration(
        this UqContext context,
        ReadOnlySpan<double> confidence,
        ReadOnlySpan<double> correct,
        CalibrationOptions? options = null) =>
        Calibration<double, Real64>(context, confidence, correct, options);

    private static CalibrationResult Calibration<T, TReal>(
        UqContext context,
        ReadOnlySpan<T> confidence,
        ReadOnlySpan<T> correct,
        CalibrationOptions? options)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= CalibrationOptions.Default;
        options.Validate();
        if (confidence.IsEmpty)
        {
            throw new ArgumentException("confidence is empty; calibration needs at least one sample.", nameof(confidence));
        }

        if (correct.Length != confidence.Length)
        {
            throw new ArgumentException(
                $"correct has {correct.Length} elements but confidence has {confidence.Length}.", nameof(correct));
        }

        CheckCalibrationUnitInterval(confidence, nameof(confidence));
        CheckCalibrationUnitInterval(correct, nameof(correct));
        var rule = (CalibrationBinRule)options.Binning;
        var parameters = new CalibrationParameters
        {
            Count = confidence.Length,
            Bins = options.Bins,
            Slots = CalibrationBins.BinSlots(options.Bins, rule),
            Rule = rule,
        };
        var bins = new CalibrationBinPartial[parameters.Slots];
        (double sumLogProb, double sumBrier) = context.Ilgpu is { } device
            ? IlgpuCalibration.Run<T, TReal>(device, confidence, correct, parameters, bins)
            : CpuCalibration.Run<T, TReal>(confidence, correct, parameters, bins);

        double[]? binConfidence = options.IncludeBins ? new double[parameters.Slots] : null;
        double[]? binAccuracy = options.IncludeBins ? new double[parameters.Slots] : null;
        CalibrationSummary summary = CalibrationBins.Finalize(
            bins, confidence.Length, sumLogProb, sumBrier, binConfidence, binAccuracy);
        return new CalibrationResult
        {
            Ece = summary.Ece,
            Mce = summary.Mce,
            BinaryLogProb = summary.BinaryLogProb,
            BinaryBrier = summary.BinaryBrier,
            Count = confidence.Length,
            Bins = options.Bins,
            Binning = options.Binning,
            BinCounts = options.IncludeBins ? bins.Select(b => b.Count).ToArray() : null,
            BinConfidence = binConfidence,
            BinAccuracy = binAccuracy,
        };
    }

    /// <summary>Rejects NaN (<see cref="ArgumentException"/>) and values outside [0, 1] (<see cref="ArgumentOutOfRangeException"/>).</summary>
    private static void CheckCalibrationUnitInterval<T>(ReadOnlySpan<T> values, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // TensorPrimitives.Min/Max return NaN when any element is NaN, so two SIMD passes settle the common case.
        T min = TensorPrimitives.Min(values);
        T max = TensorPrimitives.Max(values);
        if (!T.IsNaN(min) && !T.IsNaN(max) && min >= T.Zero && max <= T.One)
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            T value = values[i];
            if (T.IsNaN(value))
            {
                throw new ArgumentException(
                    $"{name}[{i}] is NaN; NaN samples are rejected, not skipped (remove them before calling).", name);
            }
        }

        for (int i = 0; i < values.Length; i++)
        {
            T value = values[i];
            if (!(value >= T.Zero && value <= T.One))
            {
                throw new ArgumentOutOfRangeException(name, $"{name}[{i}] = {value} is outside [0, 1].");
            }
        }
    }
}
