using System.Numerics;
using System.Buffers;

namespace UqKernels;

/// <summary>The UqKernels operations, one public operation per file, as extension methods of <see cref="UqContext"/>.</summary>
public static partial class UqOps
{
    /// <summary>
    /// Exact binary AUROC and average precision of <paramref name="scores"/> against 0/1 <paramref name="labels"/>
    /// (uq_metrics.md §2.2, §2.4), identical to sklearn's <c>roc_auc_score</c> and <c>average_precision_score</c>.
    /// </summary>
    /// <remarks>
    /// <para>With tie groups g of equal scores: <c>AUROC = 2U / (2·n1·n0)</c>, where the exact int64 numerator
    /// <c>2U = Σ_g pos_g·(2·negBelow_g + neg_g)</c> (groups ascending; negBelow_g = negatives in strictly lower groups)
    /// gives tied positive–negative pairs half credit (= Mann–Whitney U with midranks). Constant scores give 0.5
    /// exactly. <c>AP = (1/n1) Σ_g pos_g·TP_g/(TP_g + FP_g)</c> with TP_g, FP_g counted through group g in descending
    /// score order (sklearn's step definition, not the trapezoid).</para>
    /// <para>Ties are exact equality in the input dtype; −0 and +0 tie; ±∞ are ordinary ordered values and equal
    /// infinities tie (sklearn rejects them). NaN scores follow <paramref name="nanPolicy"/>. One class only ⇒ AUROC NaN
    /// and <see cref="RankingStatus.OneClass"/>.</para>
    /// <para>Computed on the CPU for every context (an O(n) LSD radix sort of order-preserving keys, then one scan);
    /// the device kernel is pending, so GPU contexts also run this path. The result is deterministic and bit-identical
    /// on every backend.</para>
    /// </remarks>
    /// <param name="context">The context (currently used for validation only; the metric runs on the CPU).</param>
    /// <param name="scores">Scores, higher = more like the positive class.</param>
    /// <param name="labels">Labels, 1 = positive, 0 = negative, one per score.</param>
    /// <param name="nanPolicy">What to do with NaN scores.</param>
    /// <returns>AUROC, AP, the class counts, the exact numerator and the status.</returns>
    /// <exception cref="ArgumentException">Scores are empty, the lengths differ (names labels), or a score is NaN under <see cref="NanPolicy.Error"/> (names scores).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is neither 0 nor 1, or <paramref name="nanPolicy"/> is undefined.</exception>
    public static RankingResult Auroc(
        this UqContext context,
        ReadOnlySpan<float> scores,
        ReadOnlySpan<byte> labels,
        NanPolicy nanPolicy = NanPolicy.Error)
    {
        (long n1, long n0, int nans) = ValidateRanking(context, scores, labels, nanPolicy);
        if (nans > 0 && nanPolicy == NanPolicy.Propagate)
        {
            return NaNResult(n1, n0);
        }

        int count = (int)(n1 + n0);
        if (n1 == 0 || n0 == 0)
        {
            return OneClassResult(n1, n0);
        }

        ulong[] packed = ArrayPool<ulong>.Shared.Rent(count);
        ulong[] scratch = ArrayPool<ulong>.Shared.Rent(count);
        try
        {
            int k = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                float s = scores[i];
                if (!RankingKeys.IsNaN(s))
                {
                    packed[k++] = RankingKeys.Pack(RankingKeys.Key(s), labels[i]);
                }
            }

            CpuRadixSort.Sort(packed.AsMemory(0, count), scratch, keyBits: 33);
            ReadOnlySpan<ulong> keys = packed.AsSpan(0, count);
            var groups = new RankingGroups(n1, n0);
            int start = 0;
            while (start < count)
            {
                ulong score = keys[start] >> 1;
                int end = start;
                int firstPositive = -1;
                while (end < count && (keys[end] >> 1) == score)
                {
                    if (firstPositive < 0 && (keys[end] & 1) != 0)
                    {
                        firstPositive = end;
                    }

                    end++;
                }

                // Inside a tie group the packed label sorts negatives first.
                long neg = (firstPositive < 0 ? end : firstPositive) - start;
                groups.Add(end - start - neg, neg);
                start = end;
            }

            return groups.Result();
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(packed);
            ArrayPool<ulong>.Shared.Return(scratch);
        }
    }

    /// <inheritdoc cref="Auroc(UqContext, ReadOnlySpan{float}, ReadOnlySpan{byte}, NanPolicy)"/>
    public static RankingResult Auroc(
        this UqContext context,
        ReadOnlySpan<double> scores,
        ReadOnlySpan<byte> labels,
        NanPolicy nanPolicy = NanPolicy.Error)
    {
        (long n1, long n0, int nans) = ValidateRanking(context, scores, labels, nanPolicy);
        if (nans > 0 && nanPolicy == NanPolicy.Propagate)
        {
            return NaNResult(n1, n0);
        }

        if (n1 == 0 || n0 == 0)
        {
            return OneClassResult(n1, n0);
        }

        // 64-bit keys leave no room for the label bit: sort positives and negatives separately, then merge-count.
        int count = (int)(n1 + n0);
        ulong[] buffer = ArrayPool<ulong>.Shared.Rent(count);
        ulong[] scratch = ArrayPool<ulong>.Shared.Rent((int)Math.Max(n1, n0));
        try
        {
            int p = 0;
            int q = (int)n1;
            for (int i = 0; i < scores.Length; i++)
            {
                double s = scores[i];
                if (!RankingKeys.IsNaN(s))
                {
                    buffer[labels[i] != 0 ? p++ : q++] = RankingKeys.Key(s);
                }
            }

            CpuRadixSort.Sort(buffer.AsMemory(0, (int)n1), scratch);
            CpuRadixSort.Sort(buffer.AsMemory((int)n1, (int)n0), scratch);
            ReadOnlySpan<ulong> positives = buffer.AsSpan(0, (int)n1);
            ReadOnlySpan<ulong> negatives = buffer.AsSpan((int)n1, (int)n0);
            var groups = new RankingGroups(n1, n0);
            int ip = 0;
            int iq = 0;
            while (ip < positives.Length || iq < negatives.Length)
            {
                ulong key = ip == positives.Length ? negatives[iq]
                    : iq == negatives.Length ? positives[ip]
                    : Math.Min(positives[ip], negatives[iq]);
                int p0 = ip;
                int q0 = iq;
                while (ip < positives.Length && positives[ip] == key)
                {
                    ip++;
                }

                while (iq < negatives.Length && negatives[iq] == key)
                {
                    iq++;
                }

                groups.Add(ip - p0, iq - q0);
            }

            return groups.Result();
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(buffer);
            ArrayPool<ulong>.Shared.Return(scratch);
        }
    }

    private static (long Positives, long Negatives, int NaNs) ValidateRanking<T>(
        UqContext context, ReadOnlySpan<T> scores, ReadOnlySpan<byte> labels, NanPolicy nanPolicy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Enum.IsDefined(nanPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(nanPolicy), nanPolicy, "nanPolicy must be Error, Propagate or Omit.");
        }

        if (scores.IsEmpty)
        {
            throw new ArgumentException("scores is empty; AUROC needs at least one element of each class.", nameof(scores));
        }

        if (labels.Length != scores.Length)
        {
            throw new ArgumentException($"labels has {labels.Length} elements but scores has {scores.Length}.", nameof(labels));
        }

        long n1 = 0;
        long n0 = 0;
        int nans = 0;
        int firstNaN = -1;
        for (int i = 0; i < labels.Length; i++)
        {
            byte label = labels[i];
            if (label > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"labels[{i}] = {label}; labels must be 0 or 1.");
            }

            if (T.IsNaN(scores[i]))
            {
                if (nans++ == 0)
                {
                    firstNaN = i;
                }

                if (nanPolicy == NanPolicy.Omit)
                {
                    continue;
                }
            }

            if (label != 0)
            {
                n1++;
            }
            else
            {
                n0++;
            }
        }

        if (nans > 0 && nanPolicy == NanPolicy.Error)
        {
            throw new ArgumentException(
                $"scores[{firstNaN}] is NaN ({nans} NaN scores); pass NanPolicy.Propagate or NanPolicy.Omit to accept them.",
                nameof(scores));
        }

        return (n1, n0, nans);
    }

    private static RankingResult NaNResult(long n1, long n0) => new()
    {
        Auroc = double.NaN,
        AveragePrecision = double.NaN,
        Positives = n1,
        Negatives = n0,
        NumeratorTwiceU = 0,
        Status = RankingStatus.NaNPropagated,
    };

    private static RankingResult OneClassResult(long n1, long n0) => new()
    {
        Auroc = double.NaN,
        AveragePrecision = n1 > 0 ? 1.0 : double.NaN,
        Positives = n1,
        Negatives = n0,
        NumeratorTwiceU = 0,
        Status = RankingStatus.OneClass,
    };

    /// <summary>The tie-group scan shared by every key layout: feed groups in ascending score order.</summary>
    private struct RankingGroups(long positives, long negatives)
    {
        private readonly long _n1 = positives;
        private readonly long _n0 = negatives;
        private long _twiceU;
        private long _negBelow;
        private long _posBelow;
        private double _apSum;

        public void Add(long pos, long neg)
        {
            _twiceU += pos * ((2 * _negBelow) + neg);
            if (pos > 0)
            {
                // Descending order: TP_g / FP_g count everything at or above this group. sklearn's form
                // Δrecall_g·precision_g, so one group (constant scores) gives exactly n1/n.
                long tp = _n1 - _posBelow;
                long fp = _n0 - _negBelow;
                double recallStep = ((double)tp / _n1) - ((double)(tp - pos) / _n1);
                _apSum += recallStep * ((double)tp / (tp + fp));
            }

            _negBelow += neg;
            _posBelow += pos;
        }

        public readonly RankingResult Result() => new()
        {
            Auroc = (double)_twiceU / (double)(2 * _n1 * _n0), // both exact below 2^53: correctly rounded
            AveragePrecision = _apSum,
            Positives = _n1,
            Negatives = _n0,
            NumeratorTwiceU = _twiceU,
            Status = RankingStatus.Ok,
        };
    }
}
