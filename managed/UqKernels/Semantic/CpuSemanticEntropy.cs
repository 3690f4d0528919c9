using System.Runtime.InteropServices;
using UqKernels.Cpu;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Semantic;

namespace UqKernels;

/// <summary>One question's answers and scratch in host memory, as an <see cref="ISemanticQuestionSource{T}"/>.</summary>
internal unsafe struct HostSemanticQuestion : ISemanticQuestionSource<double>
{
    public double* LogLikelihoods;
    public int* ClusterIds;
    public ClusterLogSumExp<double>* Clusters;

    public readonly double LogLikelihood(int answer) => LogLikelihoods[answer];

    public readonly int ClusterId(int answer) => ClusterIds[answer];

    public readonly ClusterLogSumExp<double> GetCluster(int cluster) => Clusters[cluster];

    public readonly void SetCluster(int cluster, ClusterLogSumExp<double> value) => Clusters[cluster] = value;
}

/// <summary>
/// Semantic entropy on the managed backend: question ranges in parallel, each question relabelled and computed by
/// the shared <see cref="SemanticQuestion.Compute{T, TReal, TSource}"/>.
/// </summary>
internal static unsafe class CpuSemanticEntropy
{
    /// <summary>Up to this many answers a question is relabelled by a linear scan of the ids seen so far.</summary>
    private const int LinearRelabelLimit = 64;

    public static void Run(
        ReadOnlySpan<int> offsets,
        ReadOnlySpan<double> logLikelihoods,
        ReadOnlySpan<int> clusterIds,
        SemanticEntropyOutputs outputs,
        double kuhnShift)
    {
        int questions = offsets.Length - 1;
        long perQuestion = Math.Max(1, logLikelihoods.Length / questions);
        fixed (int* offsetsPointer = offsets, idsPointer = clusterIds)
        fixed (double* llPointer = logLikelihoods)
        fixed (double* rao = outputs.Rao, discrete = outputs.Discrete, kuhn = outputs.Kuhn, naive = outputs.NaivePredictive)
        {
            int* offsetsSource = offsetsPointer;
            int* idsSource = idsPointer;
            double* llSource = llPointer;
            double* raoDestination = rao, discreteDestination = discrete, kuhnDestination = kuhn, naiveDestination = naive;
            CpuParallel.ForRowRanges(questions, perQuestion * 8, (start, end) =>
            {
                var relabel = new DenseRelabeler();
                ClusterLogSumExp<double>[] clusters = [];
                for (int question = start; question < end; question++)
                {
                    int first = offsetsSource[question];
                    int answers = offsetsSource[question + 1] - first;
                    if (clusters.Length < answers)
                    {
                        clusters = new ClusterLogSumExp<double>[Math.Max(answers, 2 * clusters.Length)];
                    }

                    int[] dense = relabel.Relabel(new ReadOnlySpan<int>(idsSource + first, answers));
                    SemanticEntropyResult<double> result;
                    fixed (int* densePointer = dense)
                    fixed (ClusterLogSumExp<double>* clustersPointer = clusters)
                    {
                        var source = new HostSemanticQuestion
                        {
                            LogLikelihoods = llSource + first,
                            ClusterIds = densePointer,
                            Clusters = clustersPointer,
                        };
                        result = SemanticQuestion.Compute<double, Real64, HostSemanticQuestion>(ref source, answers, kuhnShift);
                    }

                    if (raoDestination != null) { raoDestination[question] = result.Rao; }
                    if (discreteDestination != null) { discreteDestination[question] = result.Discrete; }
                    if (kuhnDestination != null) { kuhnDestination[question] = result.Kuhn; }
                    if (naiveDestination != null) { naiveDestination[question] = result.NaivePredictive; }
                }
            });
        }
    }

    /// <summary>
    /// Writes, for every question, its ids relabelled densely in order of first appearance into
    /// <paramref name="dense"/> (same CSR layout), in parallel over questions. Used by the device path.
    /// </summary>
    public static void RelabelAll(ReadOnlySpan<int> offsets, ReadOnlySpan<int> clusterIds, Span<int> dense)
    {
        int questions = offsets.Length - 1;
        long perQuestion = Math.Max(1, clusterIds.Length / Math.Max(1, questions));
        fixed (int* offsetsPointer = offsets, idsPointer = clusterIds, densePointer = dense)
        {
            int* offsetsSource = offsetsPointer;
            int* idsSource = idsPointer;
            int* denseDestination = densePointer;
            CpuParallel.ForRowRanges(questions, perQuestion * 4, (start, end) =>
            {
                var relabel = new DenseRelabeler();
                for (int question = start; question < end; question++)
                {
                    int first = offsetsSource[question];
                    int answers = offsetsSource[question + 1] - first;
                    relabel.Relabel(new ReadOnlySpan<int>(idsSource + first, answers))
                        .AsSpan(0, answers)
                        .CopyTo(new Span<int>(denseDestination + first, answers));
                }
            });
        }
    }

    /// <summary>Dense first-appearance relabelling with reusable buffers (one instance per worker).</summary>
    private sealed class DenseRelabeler
    {
        private readonly Dictionary<int, int> _map = [];
        private int[] _dense = [];
        private int[] _seen = [];

        /// <summary>The dense ids of <paramref name="ids"/> in the first <c>ids.Length</c> entries of the returned buffer.</summary>
        public int[] Relabel(ReadOnlySpan<int> ids)
        {
            if (_dense.Length < ids.Length)
            {
                _dense = new int[Math.Max(ids.Length, 2 * _dense.Length)];
            }

            if (ids.Length <= LinearRelabelLimit)
            {
                if (_seen.Length < LinearRelabelLimit)
                {
                    _seen = new int[LinearRelabelLimit];
                }

                int distinct = 0;
                for (int i = 0; i < ids.Length; i++)
                {
                    int id = ids[i];
                    int dense = _seen.AsSpan(0, distinct).IndexOf(id);
                    if (dense < 0)
                    {
                        dense = distinct;
                        _seen[distinct++] = id;
                    }

                    _dense[i] = dense;
                }

                return _dense;
            }

            _map.Clear();
            for (int i = 0; i < ids.Length; i++)
            {
                ref int dense = ref CollectionsMarshal.GetValueRefOrAddDefault(_map, ids[i], out bool exists);
                if (!exists)
                {
                    dense = _map.Count - 1;
                }

                _dense[i] = dense;
            }

            return _dense;
        }
    }
}
