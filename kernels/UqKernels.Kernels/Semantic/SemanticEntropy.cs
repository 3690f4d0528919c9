using System.Numerics;
using UqKernels.Kernels.Entropy;
using UqKernels.Kernels.Math;

namespace UqKernels.Kernels.Semantic;

/// <summary>
/// The online log-sum-exp of one cluster's log-likelihoods: <c>LSE = m + ln s</c> with <c>m</c> the running maximum
/// and <c>s = Σ e^(ℓ−m)</c> (max-shifted, so summed log-likelihoods far below −745 do not underflow).
/// </summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct ClusterLogSumExp<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Running maximum (−∞ while empty or when every member is −∞).</summary>
    public T Max;

    /// <summary><c>Σ e^(ℓ−m)</c>.</summary>
    public T SumExp;

    /// <summary>Number of members <c>n_k</c>.</summary>
    public int Count;

    /// <summary>The empty cluster.</summary>
    public static ClusterLogSumExp<T> Empty => new() { Max = T.NegativeInfinity };

    /// <summary><c>LSE_{i ∈ k} ℓ_i</c> (−∞ when every member is −∞).</summary>
    public readonly T LogSumExp<TReal>()
        where TReal : struct, IReal<T> => SumExp == T.Zero ? T.NegativeInfinity : Max + TReal.Log(SumExp);

    /// <summary>Adds one finite or −∞ log-likelihood (callers handle NaN and +∞ before).</summary>
    public void Push<TReal>(T logLikelihood)
        where TReal : struct, IReal<T>
    {
        Count++;
        if (logLikelihood == T.NegativeInfinity)
        {
            return;
        }

        if (logLikelihood > Max)
        {
            if (SumExp != T.Zero)
            {
                SumExp *= TReal.Exp(Max - logLikelihood);
            }

            Max = logLikelihood;
            SumExp += T.One;
        }
        else
        {
            SumExp += TReal.Exp(logLikelihood - Max);
        }
    }
}

/// <summary>The four semantic-entropy outputs of one question (uq_metrics.md §1.7), in nats.</summary>
/// <typeparam name="T">The compute type.</typeparam>
public struct SemanticEntropyResult<T>
    where T : unmanaged
{
    /// <summary>Rao-Blackwellised SE: <c>−Σ_k π_k ln π_k</c>, <c>ln π_k = LSE_{i∈k} ℓ_i − LSE_i ℓ_i</c>.</summary>
    public T Rao;

    /// <summary>Discrete (cluster-assignment) SE: <c>−Σ_k (n_k/N) ln(n_k/N)</c>.</summary>
    public T Discrete;

    /// <summary>Kuhn-2023 SE: <c>−(1/K) Σ_k (LSE_{i∈k} ℓ_i − shift)</c>.</summary>
    public T Kuhn;

    /// <summary>Naive predictive entropy: <c>−(1/N) Σ_i ℓ_i</c>.</summary>
    public T NaivePredictive;
}

/// <summary>
/// Folds the clusters of one question into the semantic-entropy outputs: the scalar math shared by the CPU path and
/// <see cref="SemanticEntropyKernel"/>. Callers stream a question's answers into <see cref="ClusterLogSumExp{T}"/>
/// accumulators indexed by dense cluster id (first appearance order), then call <see cref="Fold{TReal}"/> per cluster
/// in id order and <see cref="Finalize{TReal}"/>.
/// </summary>
/// <remarks>
/// <para>Rao SE is the entropy of <c>softmax(LSE_1, …, LSE_K)</c>, so the folded state is a
/// <see cref="SoftmaxRowState{T}"/> over the cluster LSEs: <c>SE = ln s − t/s</c> with no cancellation, exactly 0
/// for one cluster and exactly <c>ln K</c> for K clusters of equal LSE. Discrete SE is <c>−Σ_k p_k ln p_k</c> with
/// <c>p_k = n_k/N</c> (exactly 0 for one cluster).</para>
/// <para>NaN policy: a NaN or +∞ log-likelihood makes all four outputs of its question NaN. A −∞ log-likelihood is an
/// answer of probability 0: it counts in <c>n_k</c> and <c>N</c>, has weight 0 in Rao SE, and makes Kuhn SE and the
/// naive entropy +∞ when it empties a cluster's (or the question's) mass. A question whose log-likelihoods are all
/// −∞, or an empty question, gives NaN Rao SE (empty: NaN everywhere).</para>
/// </remarks>
public struct SemanticEntropyAccumulator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The online softmax state over the cluster log-sum-exps (its <c>SumLogits</c> is <c>Σ_k LSE_k</c>).</summary>
    public SoftmaxRowState<T> Clusters;

    /// <summary>Number of clusters <c>K</c> folded so far.</summary>
    public int ClusterCount;

    /// <summary><c>Σ_k (n_k/N) ln(n_k/N)</c>, never positive.</summary>
    public T SumShareLogShare;

    /// <summary>The empty accumulator.</summary>
    public static SemanticEntropyAccumulator<T> Empty => new() { Clusters = SoftmaxRowState<T>.Empty };

    /// <summary>Adds one complete cluster of a question with <paramref name="answers"/> answers in all.</summary>
    public void Fold<TReal>(in ClusterLogSumExp<T> cluster, int answers)
        where TReal : struct, IReal<T>
    {
        Clusters.Push<TReal>(cluster.LogSumExp<TReal>(), ClusterCount, T.Zero, -1);
        T share = TReal.FromInt64(cluster.Count) / TReal.FromInt64(answers);
        SumShareLogShare += share * TReal.Log(share);
        ClusterCount++;
    }

    /// <summary>
    /// The outputs of a question with <paramref name="answers"/> answers whose log-likelihoods sum to
    /// <paramref name="sumLogLikelihood"/>; <paramref name="invalid"/> is true when one of them was NaN or +∞.
    /// <paramref name="kuhnShift"/> is subtracted from every cluster LSE in Kuhn SE (lorenzkuhn uses 5).
    /// </summary>
    public readonly SemanticEntropyResult<T> Finalize<TReal>(
        int answers, T sumLogLikelihood, bool invalid, T kuhnShift)
        where TReal : struct, IReal<T>
    {
        SemanticEntropyResult<T> result;
        if (invalid || answers == 0 || ClusterCount == 0)
        {
            result.Rao = T.NaN;
            result.Discrete = T.NaN;
            result.Kuhn = T.NaN;
            result.NaivePredictive = T.NaN;
            return result;
        }

        T n = TReal.FromInt64(answers);
        T s = Clusters.SumExp;
        result.Rao = Clusters.InvalidCount != 0 || s == T.Zero
            ? T.NaN
            : TReal.Log(s) - (Clusters.SumShiftedExp / s);
        result.Discrete = T.Zero - SumShareLogShare; // +0, not −0, for one cluster
        result.Kuhn = kuhnShift - (Clusters.SumLogits / TReal.FromInt64(ClusterCount));
        result.NaivePredictive = T.Zero - (sumLogLikelihood / n);
        return result;
    }

    /// <summary>True when <paramref name="logLikelihood"/> makes its question invalid (NaN or +∞).</summary>
    public static bool IsInvalid(T logLikelihood) => T.IsNaN(logLikelihood) || logLikelihood == T.PositiveInfinity;
}

/// <summary>
/// Read access to one question's answers and write access to its cluster scratch, so that
/// <see cref="SemanticQuestion.Compute{T, TReal, TSource}"/> runs unchanged over device views and host memory.
/// Indices are relative to the question's first answer.
/// </summary>
/// <typeparam name="T">The compute type.</typeparam>
public interface ISemanticQuestionSource<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary><c>ℓ_i</c> of answer <paramref name="answer"/>.</summary>
    T LogLikelihood(int answer);

    /// <summary>The dense cluster id of answer <paramref name="answer"/>: ids are <c>0, 1, …</c> in order of first appearance.</summary>
    int ClusterId(int answer);

    /// <summary>Cluster scratch slot <paramref name="cluster"/> (at least as many slots as answers).</summary>
    ClusterLogSumExp<T> GetCluster(int cluster);

    /// <summary>Stores cluster scratch slot <paramref name="cluster"/>.</summary>
    void SetCluster(int cluster, ClusterLogSumExp<T> value);
}

/// <summary>The whole per-question semantic-entropy computation, shared by the CPU path and the device kernel.</summary>
public static class SemanticQuestion
{
    /// <summary>
    /// Streams the <paramref name="answers"/> answers of one question into per-cluster online log-sum-exps (scratch
    /// slot = dense id), then folds the clusters in id order (uq_metrics.md §1.7). O(N_q) time, N_q scratch slots.
    /// </summary>
    public static SemanticEntropyResult<T> Compute<T, TReal, TSource>(ref TSource source, int answers, T kuhnShift)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReal : struct, IReal<T>
        where TSource : struct, ISemanticQuestionSource<T>
    {
        bool invalid = false;
        T sum = T.Zero;
        int clusterCount = 0;
        for (int answer = 0; answer < answers; answer++)
        {
            T logLikelihood = source.LogLikelihood(answer);
            int id = source.ClusterId(answer);
            if ((uint)id >= (uint)answers)
            {
                // Not a dense id (entry points relabel before calling); never index outside the scratch.
                invalid = true;
                continue;
            }

            // Dense first-appearance ids make a new id the next one; the loop also keeps any gap initialised.
            for (; clusterCount <= id; clusterCount++)
            {
                source.SetCluster(clusterCount, ClusterLogSumExp<T>.Empty);
            }

            if (SemanticEntropyAccumulator<T>.IsInvalid(logLikelihood))
            {
                invalid = true;
                continue;
            }

            sum += logLikelihood;
            ClusterLogSumExp<T> cluster = source.GetCluster(id);
            cluster.Push<TReal>(logLikelihood);
            source.SetCluster(id, cluster);
        }

        SemanticEntropyAccumulator<T> accumulator = SemanticEntropyAccumulator<T>.Empty;
        if (!invalid)
        {
            for (int cluster = 0; cluster < clusterCount; cluster++)
            {
                accumulator.Fold<TReal>(source.GetCluster(cluster), answers);
            }
        }

        return accumulator.Finalize<TReal>(answers, sum, invalid, kuhnShift);
    }
}
