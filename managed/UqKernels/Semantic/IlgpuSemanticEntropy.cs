using ILGPU;
using ILGPU.Runtime;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Semantic;

namespace UqKernels;

/// <summary>
/// Launches <see cref="SemanticEntropyKernel"/>: the host relabels cluster ids densely per question (O(N)), uploads
/// offsets, log-likelihoods and dense ids, and the device runs one thread per question over an <c>[N]</c> cluster
/// scratch (no bound on clusters per question).
/// </summary>
internal static class IlgpuSemanticEntropy
{
    private const int OffsetsSlot = 50;
    private const int LogLikelihoodsSlot = 51;
    private const int ClusterIdsSlot = 52;
    private const int ClustersSlot = 53;
    private const int FirstOutputSlot = 54;

    private const int GroupSize = 64;

    public static void Run(
        IlgpuDevice device,
        ReadOnlySpan<int> offsets,
        ReadOnlySpan<double> logLikelihoods,
        ReadOnlySpan<int> clusterIds,
        SemanticEntropyOutputs outputs,
        double kuhnShift)
    {
        AcceleratorStream stream = device.Stream;
        int questions = offsets.Length - 1;
        int answers = logLikelihoods.Length;
        int[] dense = new int[answers];
        CpuSemanticEntropy.RelabelAll(offsets, clusterIds, dense);

        ArrayView<int> offsetsView = device.Scratch<int>(OffsetsSlot, offsets.Length);
        ArrayView<double> logLikelihoodsView = device.Scratch<double>(LogLikelihoodsSlot, answers);
        ArrayView<int> idsView = device.Scratch<int>(ClusterIdsSlot, answers);
        ArrayView<ClusterLogSumExp<double>> clustersView = device.Scratch<ClusterLogSumExp<double>>(ClustersSlot, answers);
        offsetsView.CopyFromCPU(stream, offsets);
        if (answers > 0)
        {
            logLikelihoodsView.CopyFromCPU(stream, logLikelihoods);
            idsView.CopyFromCPU(stream, dense);
        }

        int slot = FirstOutputSlot;
        var views = new SemanticEntropyOutputViews<double>
        {
            Rao = IlgpuRowStatistics.OutputView(device, ref slot, outputs.Rao, questions),
            Discrete = IlgpuRowStatistics.OutputView(device, ref slot, outputs.Discrete, questions),
            Kuhn = IlgpuRowStatistics.OutputView(device, ref slot, outputs.Kuhn, questions),
            NaivePredictive = IlgpuRowStatistics.OutputView(device, ref slot, outputs.NaivePredictive, questions),
        };

        Action<ArrayView<int>, ArrayView<double>, ArrayView<int>, ArrayView<ClusterLogSumExp<double>>, int, double,
            SemanticEntropyOutputViews<double>> kernel = SemanticEntropyKernel.Run<double, Real64>;
        var launcher = device.GetKernel(kernel, accelerator => accelerator.LoadKernel(kernel));
        int groupSize = Math.Min(GroupSize, device.Accelerator.MaxNumThreadsPerGroup);
        int groups = Math.Min((questions + groupSize - 1) / groupSize, 1 << 16);
        launcher(
            stream, new KernelConfig(groups, groupSize), offsetsView, logLikelihoodsView, idsView, clustersView, questions,
            kuhnShift, views);

        IlgpuRowStatistics.CopyBack(stream, views.Rao, outputs.Rao);
        IlgpuRowStatistics.CopyBack(stream, views.Discrete, outputs.Discrete);
        IlgpuRowStatistics.CopyBack(stream, views.Kuhn, outputs.Kuhn);
        IlgpuRowStatistics.CopyBack(stream, views.NaivePredictive, outputs.NaivePredictive);
        stream.Synchronize();
    }
}
