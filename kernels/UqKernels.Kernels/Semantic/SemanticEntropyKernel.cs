using System.Numerics;
using ILGPU;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Semantic;

/// <summary>Output views of the semantic-entropy kernel; an empty view means "not requested" and is never written.</summary>
/// <typeparam name="T">The compute (and output) type.</typeparam>
public struct SemanticEntropyOutputViews<T>
    where T : unmanaged
{
    /// <summary><c>[Q]</c> Rao-Blackwellised SE.</summary>
    public ArrayView<T> Rao;

    /// <summary><c>[Q]</c> discrete SE.</summary>
    public ArrayView<T> Discrete;

    /// <summary><c>[Q]</c> Kuhn-2023 SE.</summary>
    public ArrayView<T> Kuhn;

    /// <summary><c>[Q]</c> naive predictive entropy.</summary>
    public ArrayView<T> NaivePredictive;
}

/// <summary>One question's slice of the device views, as an <see cref="ISemanticQuestionSource{T}"/>.</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct DeviceSemanticQuestion<T> : ISemanticQuestionSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Flat <c>[N]</c> log-likelihoods.</summary>
    public ArrayView<T> LogLikelihoods;

    /// <summary>Flat <c>[N]</c> dense cluster ids.</summary>
    public ArrayView<int> ClusterIds;

    /// <summary>Flat <c>[N]</c> cluster scratch; the question owns <c>[Start, Start + N_q)</c>.</summary>
    public ArrayView<ClusterLogSumExp<T>> Clusters;

    /// <summary>The question's first answer.</summary>
    public int Start;

    /// <inheritdoc/>
    public readonly T LogLikelihood(int answer) => LogLikelihoods[Start + answer];

    /// <inheritdoc/>
    public readonly int ClusterId(int answer) => ClusterIds[Start + answer];

    /// <inheritdoc/>
    public readonly ClusterLogSumExp<T> GetCluster(int cluster) => Clusters[Start + cluster];

    /// <inheritdoc/>
    public readonly void SetCluster(int cluster, ClusterLogSumExp<T> value) => Clusters[Start + cluster] = value;
}

/// <summary>The semantic-entropy device kernel over CSR question groups (uq_metrics.md §1.7).</summary>
/// <remarks>
/// One thread per question (questions are small: ~10 answers). Cluster ids are relabelled densely per question on the
/// host before launch (O(N), order of first appearance), so the kernel needs no hash table and no bound on the number
/// of clusters: question <c>q</c> keeps its per-cluster log-sum-exps in the slots <c>[offsets[q], offsets[q+1])</c>
/// of an <c>[N]</c> scratch view (<c>K_q ≤ N_q</c>), disjoint between questions.
/// </remarks>
public static class SemanticEntropyKernel
{
    /// <summary>
    /// Explicitly grouped kernel: global thread <c>q</c> handles questions <c>q, q + gridDim·groupDim, …</c>.
    /// </summary>
    /// <param name="offsets"><c>[Q+1]</c> CSR offsets.</param>
    /// <param name="logLikelihoods"><c>[N]</c> log-likelihoods.</param>
    /// <param name="clusterIds"><c>[N]</c> dense per-question cluster ids.</param>
    /// <param name="clusters"><c>[N]</c> cluster scratch.</param>
    /// <param name="questions">Number of questions <c>Q</c>.</param>
    /// <param name="kuhnShift">Constant subtracted from each cluster LSE in Kuhn SE.</param>
    /// <param name="outputs">Where to write; empty views are skipped.</param>
    public static void Run<T, TReal>(
        ArrayView<int> offsets,
        ArrayView<T> logLikelihoods,
        ArrayView<int> clusterIds,
        ArrayView<ClusterLogSumExp<T>> clusters,
        int questions,
        T kuhnShift,
        SemanticEntropyOutputViews<T> outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
    {
        int stride = Grid.DimX * Group.DimX;
        for (int question = (Grid.IdxX * Group.DimX) + Group.IdxX; question < questions; question += stride)
        {
            int start = offsets[question];
            var source = new DeviceSemanticQuestion<T>
            {
                LogLikelihoods = logLikelihoods,
                ClusterIds = clusterIds,
                Clusters = clusters,
                Start = start,
            };
            SemanticEntropyResult<T> result =
                SemanticQuestion.Compute<T, TReal, DeviceSemanticQuestion<T>>(ref source, offsets[question + 1] - start, kuhnShift);
            if (outputs.Rao.Length > 0)
            {
                outputs.Rao[question] = result.Rao;
            }

            if (outputs.Discrete.Length > 0)
            {
                outputs.Discrete[question] = result.Discrete;
            }

            if (outputs.Kuhn.Length > 0)
            {
                outputs.Kuhn[question] = result.Kuhn;
            }

            if (outputs.NaivePredictive.Length > 0)
            {
                outputs.NaivePredictive[question] = result.NaivePredictive;
            }
        }
    }
}
