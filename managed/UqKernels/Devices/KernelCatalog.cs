using System.Reflection;
using UqKernels.Kernels.Calibration;
using UqKernels.Kernels.Ensemble;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Semantic;
using UqKernels.Kernels.Vmf;
using UqKernels.Kernels.Math;

namespace UqKernels;

/// <summary>One device-kernel instantiation that the library launches.</summary>
/// <param name="Name">A readable name (<c>RowStatistics/f32</c>).</param>
/// <param name="Method">The closed generic kernel method.</param>
/// <param name="ExplicitlyGrouped">True for kernels launched with an explicit group size (<c>Group.*</c>, shared memory).</param>
public sealed record KernelEntry(string Name, MethodInfo Method, bool ExplicitlyGrouped);

/// <summary>
/// Every kernel instantiation the library launches, so tests and <c>uqk validate</c> can compile each one for
/// CUDA (PTX) and OpenCL without a device. A test checks that every kernel class of UqKernels.Kernels is listed.
/// </summary>
public static class KernelCatalog
{
    /// <summary>All entries.</summary>
    public static IReadOnlyList<KernelEntry> All { get; } =
    [
        Grouped("RowStatistics/f32", RowStatisticsKernel.Run<float, float, LoadF32, Real32>),
        Grouped("RowStatistics/f64", RowStatisticsKernel.Run<double, double, LoadF64, Real64>),
        Grouped("RowStatistics/f16", RowStatisticsKernel.Run<ushort, float, LoadF16, Real32>),
        Grouped("RowStatistics/bf16", RowStatisticsKernel.Run<ushort, float, LoadBf16, Real32>),
        Grouped("SoftTargetCrossEntropy/f32", SoftTargetCrossEntropyKernel.Run<float, Real32>),
        Grouped("SoftTargetCrossEntropy/f64", SoftTargetCrossEntropyKernel.Run<double, Real64>),
        Grouped("Ensemble/f32", EnsembleKernel.Run<float, float, LoadF32, Real32>),
        Grouped("Ensemble/f64", EnsembleKernel.Run<double, double, LoadF64, Real64>),
        Grouped("Ensemble/f16", EnsembleKernel.Run<ushort, float, LoadF16, Real32>),
        Grouped("Ensemble/bf16", EnsembleKernel.Run<ushort, float, LoadBf16, Real32>),
        Grouped("Calibration/f32", CalibrationKernel.Run<float, Real32>),
        Grouped("Calibration/f64", CalibrationKernel.Run<double, Real64>),
        Grouped("SemanticEntropy/f64", SemanticEntropyKernel.Run<double, Real64>),
        AutoGrouped("Vmf/f64", VmfKernel.Run<double, Real64>),
        AutoGrouped("VmfPerElement/f64", VmfKernel.RunPerElement<double, Real64>),
        AutoGrouped("VmfSample/f32", VmfSampleKernel.Run<float, Real32>),
        AutoGrouped("VmfSample/f64", VmfSampleKernel.Run<double, Real64>),
        AutoGrouped("VmfSampleBackward/f32", VmfSampleKernel.Backward<float, Real32>),
        AutoGrouped("VmfSampleBackward/f64", VmfSampleKernel.Backward<double, Real64>),
        AutoGrouped("VmfKl/f32", VmfPairKernel.RunKl<float, Real32>),
        AutoGrouped("VmfKl/f64", VmfPairKernel.RunKl<double, Real64>),
        AutoGrouped("VmfElk/f32", VmfPairKernel.RunExpectedLikelihoodKernel<float, Real32>),
        AutoGrouped("VmfElk/f64", VmfPairKernel.RunExpectedLikelihoodKernel<double, Real64>),
        AutoGrouped("VmfLogDensity/f32", VmfPairKernel.RunLogDensity<float, Real32>),
        AutoGrouped("VmfLogDensity/f64", VmfPairKernel.RunLogDensity<double, Real64>),
        Grouped("VmfHalfSquaredDistance/f32", VmfPairKernel.HalfSquaredDistance<float, Real32>),
        Grouped("VmfHalfSquaredDistance/f64", VmfPairKernel.HalfSquaredDistance<double, Real64>),
        Grouped("NearestNeighbour/f32", UqKernels.Kernels.Ranking.NearestNeighbourKernel.Run<float>),
        Grouped("NearestNeighbour/f64", UqKernels.Kernels.Ranking.NearestNeighbourKernel.Run<double>),
        Grouped("RankingKeyBuild/f32", UqKernels.Kernels.Ranking.RankingKeyBuildKernel.Run<float, UqKernels.Kernels.Ranking.Float32KeyOps>),
        Grouped("RankingKeyBuild/f64", UqKernels.Kernels.Ranking.RankingKeyBuildKernel.Run<double, UqKernels.Kernels.Ranking.Float64KeyOps>),
        Grouped("RankingKeyBuild/f16", UqKernels.Kernels.Ranking.RankingKeyBuildKernel.Run<ushort, UqKernels.Kernels.Ranking.HalfKeyOps>),
        Grouped("RankingKeyBuild/bf16", UqKernels.Kernels.Ranking.RankingKeyBuildKernel.Run<ushort, UqKernels.Kernels.Ranking.BFloat16KeyOps>),
        Grouped("RankingRadixHistogram", UqKernels.Kernels.Ranking.RankingRadixKernel.Histogram),
        Grouped("RankingRadixScatter", UqKernels.Kernels.Ranking.RankingRadixKernel.Scatter),
        AutoGrouped("RankingNegativeFlags", UqKernels.Kernels.Ranking.RankingReduceKernel.NegativeFlags),
        Grouped("RankingReduce", UqKernels.Kernels.Ranking.RankingReduceKernel.Run),
    ];

    private static KernelEntry Grouped(string name, Delegate kernel) => new(name, kernel.Method, true);

    private static KernelEntry AutoGrouped(string name, Delegate kernel) => new(name, kernel.Method, false);
}
