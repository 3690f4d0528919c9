using System.Globalization;
using System.Numerics;
using UqKernels.IO;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Vmf;
using Xunit.Abstractions;

namespace UqKernels.Tests.Vmf;

/// <summary>
/// The per-(d, κ) scalar table of <c>tests/data/vmf</c> (mpmath, 60 digits), or the same columns computed by
/// <see cref="VmfMath.Evaluate"/>; shared by the scalar-core tests and the batched-operation tests.
/// </summary>
internal sealed class VmfScalarTable
{
    public required int[] D { get; init; }
    public required double[] Kappa { get; init; }
    public required double[] LogC { get; init; }
    public required double[] DeltaLogC { get; init; }
    public required double[] LogCe { get; init; }
    public required double[] A { get; init; }
    public required double[] OneMinusA { get; init; }
    public required double[] APrime { get; init; }
    public required double[] Entropy { get; init; }
    public required double[] KlUniform { get; init; }
    public double[] KlUniformDerivative { get; init; } = [];
    public double[] EntropyDerivative { get; init; } = [];

    /// <summary>Every <paramref name="stride"/>-th reference point (1 = all).</summary>
    public static VmfScalarTable Load(int stride = 1)
    {
        int[] d = VmfData.Read("scalar_d").ToInt32("d");
        int[] keep = Enumerable.Range(0, d.Length).Where(i => i % stride == 0).ToArray();
        double[] Take(string name)
        {
            double[] all = VmfData.Read(name).ToFloat64();
            return keep.Select(i => all[i]).ToArray();
        }

        return new VmfScalarTable
        {
            D = keep.Select(i => d[i]).ToArray(),
            Kappa = Take("scalar_kappa"),
            LogC = Take("scalar_log_c"),
            DeltaLogC = Take("scalar_delta_log_c"),
            LogCe = Take("scalar_log_ce"),
            A = Take("scalar_a"),
            OneMinusA = Take("scalar_one_minus_a"),
            APrime = Take("scalar_a_prime"),
            Entropy = Take("scalar_entropy"),
            KlUniform = Take("scalar_kl_uniform"),
        };
    }

    /// <summary>The same columns from the scalar core in <typeparamref name="T"/> (every κ must be exact in T).</summary>
    public static VmfScalarTable Compute<T, TReal>(int[] d, double[] kappa)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        var all = new VmfScalars<T>[d.Length];
        for (int i = 0; i < d.Length; i++)
        {
            T k = TReal.FromDouble(kappa[i]);
            Assert.Equal(kappa[i], TReal.ToDouble(k));
            all[i] = VmfMath.Evaluate<T, TReal>(VmfMath.Order<T, TReal>(d[i]), k);
        }

        double[] Take(Func<VmfScalars<T>, T> pick) => all.Select(s => TReal.ToDouble(pick(s))).ToArray();
        return new VmfScalarTable
        {
            D = d,
            Kappa = kappa,
            LogC = Take(s => s.LogNormalizer),
            DeltaLogC = Take(s => s.LogNormalizerDelta),
            LogCe = Take(s => s.ScaledLogNormalizer),
            A = Take(s => s.MeanResultantLength),
            OneMinusA = Take(s => s.OneMinusMeanResultantLength),
            APrime = Take(s => s.MeanResultantLengthDerivative),
            Entropy = Take(s => s.Entropy),
            KlUniform = Take(s => s.KlToUniform),
            KlUniformDerivative = Take(s => s.KlToUniformDerivative),
            EntropyDerivative = Take(s => s.EntropyDerivative),
        };
    }
}

/// <summary>Reads one <c>.npy</c> file of <c>tests/data/vmf</c>.</summary>
internal static class VmfData
{
    public static NpyArray Read(string name) =>
        NpyArray.Read(Path.Combine(Validation.ReferenceCase.DataRoot, "vmf", name + ".npy"));
}

/// <summary>
/// Collects, per output, the worst error against its bound over (d, κ) points; writes every line to the test output
/// and fails on any excess. A NaN or infinite result counts as an infinite error.
/// </summary>
internal sealed class VmfErrorReport(string label, int[] d, double[] kappa)
{
    private readonly List<string> _lines = [];
    private readonly List<string> _failures = [];

    /// <summary>|error| ≤ tolerance·max(1, |ref|).</summary>
    public void Scaled(string name, double[] expected, double[] actual, double tolerance) =>
        Add(name, expected, actual, expected.Select(e => Math.Max(1, Math.Abs(e))).ToArray(), tolerance, "·max(1,|ref|)");

    /// <summary>|error| ≤ tolerance·|ref|.</summary>
    public void Relative(string name, double[] expected, double[] actual, double tolerance) =>
        Add(name, expected, actual, expected.Select(Math.Abs).ToArray(), tolerance, " relative");

    /// <summary>|error| ≤ tolerance·max(|ref|, scale).</summary>
    public void ScaledBy(string name, double[] expected, double[] actual, double[] scale, double tolerance) =>
        Add(name, expected, actual, scale.Select((s, i) => Math.Max(s, Math.Abs(expected[i]))).ToArray(), tolerance, "·max(|ref|, Σ|terms|)");

    public void Finish(ITestOutputHelper output)
    {
        output.WriteLine($"{label}: {d.Length} reference points");
        foreach (string line in _lines)
        {
            output.WriteLine(line);
        }

        Assert.True(_failures.Count == 0, string.Join("\n", _failures));
    }

    private void Add(string name, double[] expected, double[] actual, double[] scale, double tolerance, string kind)
    {
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = double.IsFinite(actual[i]) ? Math.Abs(actual[i] - expected[i]) : double.PositiveInfinity;
            double normalised = scale[i] == 0 ? (error == 0 ? 0 : double.PositiveInfinity) : error / scale[i];
            if (at < 0 || !(normalised <= worst))
            {
                worst = normalised;
                at = i;
            }
        }

        string line = string.Create(
            CultureInfo.InvariantCulture,
            $"{label} {name}: max error {worst:E2}{kind} (bound {tolerance:E0}) at d={d[at]}, κ={kappa[at]:R}: ref {expected[at]:R}, got {actual[at]:R}");
        _lines.Add(line);
        if (!(worst <= tolerance))
        {
            _failures.Add(line);
        }
    }
}

/// <summary>The pair table of <c>tests/data/vmf</c> (<c>pair_*.npy</c>, mpmath 60 digits; see its README).</summary>
internal sealed class VmfPairTable
{
    public required int[] D { get; init; }
    public required double[] Kappa1 { get; init; }
    public required double[] Kappa2 { get; init; }
    public required double[] OneMinusCos { get; init; }
    public required double[] Rho { get; init; }
    public required double[] Kl { get; init; }
    public required double[] DklDkappa1 { get; init; }
    public required double[] DklDkappa2 { get; init; }
    public required double[] Elk { get; init; }
    public required double[] LogDensity { get; init; }
    public required double[] DlogDensityDkappa { get; init; }

    public static VmfPairTable Load() => new()
    {
        D = VmfData.Read("pair_d").ToInt32("d"),
        Kappa1 = VmfData.Read("pair_kappa1").ToFloat64(),
        Kappa2 = VmfData.Read("pair_kappa2").ToFloat64(),
        OneMinusCos = VmfData.Read("pair_one_minus_cos").ToFloat64(),
        Rho = VmfData.Read("pair_rho").ToFloat64(),
        Kl = VmfData.Read("pair_kl").ToFloat64(),
        DklDkappa1 = VmfData.Read("pair_dkl_dkappa1").ToFloat64(),
        DklDkappa2 = VmfData.Read("pair_dkl_dkappa2").ToFloat64(),
        Elk = VmfData.Read("pair_elk").ToFloat64(),
        LogDensity = VmfData.Read("pair_log_density").ToFloat64(),
        DlogDensityDkappa = VmfData.Read("pair_dlog_density_dkappa").ToFloat64(),
    };

    /// <summary>
    /// The size of the terms the ELK is a signed sum of, <c>ρ|logCe₁ − logCe₃| + ρ|logCe₂ − logCe₃| +
    /// |(2ρ − 1)logCe₃| + ρ((κ₁ + κ₂) − ‖κ₁μ₁ + κ₂μ₂‖)</c> (f64), floored at 1: the ELK at large κ is a small
    /// difference of O(κ) quantities whose inputs (κ, cos) already carry that conditioning, so its error bound is
    /// relative to this, not to the result (the same scale as the scalar-core tests).
    /// </summary>
    public static double ElkScale(int d, double k1, double k2, double omc, double rho)
    {
        VmfOrder<double> order = VmfMath.Order<double, Real64>(d);
        VmfScalars<double> first = VmfMath.Evaluate<double, Real64>(order, k1);
        VmfScalars<double> second = VmfMath.Evaluate<double, Real64>(order, k2);
        double norm = Math.Sqrt(Math.Max(0, (k1 * k1) + (k2 * k2) + (2 * k1 * k2 * (1 - omc))));
        VmfScalars<double> third = VmfMath.Evaluate<double, Real64>(order, rho * norm);
        return Math.Max(
            1,
            (rho * Math.Abs(VmfMath.ScaledLogNormalizerDifference<double, Real64>(order, first, third)))
            + (rho * Math.Abs(VmfMath.ScaledLogNormalizerDifference<double, Real64>(order, second, third)))
            + Math.Abs(((2 * rho) - 1) * third.ScaledLogNormalizer)
            + (rho * Math.Abs(k1 + k2 - norm)));
    }

    /// <summary>
    /// The sizes of the terms of the gradients (f64 scalars): <c>∂KL/∂κ₁</c> → <c>A₁′(|κ₁ − κ₂| + κ₂(1 − cos))</c>,
    /// <c>∂KL/∂κ₂</c> → <c>(1 − A₁) + (1 − A₂) + A₁(1 − cos)</c>, <c>∂ log p/∂κ</c> → <c>(1 − A₁) + (1 − cos)</c>.
    /// </summary>
    public static (double Dkl1, double Dkl2, double DlogP) DerivativeScales(int d, double k1, double k2, double omc)
    {
        VmfOrder<double> order = VmfMath.Order<double, Real64>(d);
        VmfScalars<double> first = VmfMath.Evaluate<double, Real64>(order, k1);
        VmfScalars<double> second = VmfMath.Evaluate<double, Real64>(order, k2);
        double a1 = first.MeanResultantLength;
        double oma1 = first.OneMinusMeanResultantLength;
        return (
            first.MeanResultantLengthDerivative * (Math.Abs(k1 - k2) + (k2 * omc)),
            oma1 + second.OneMinusMeanResultantLength + (a1 * omc),
            oma1 + omc);
    }
}
