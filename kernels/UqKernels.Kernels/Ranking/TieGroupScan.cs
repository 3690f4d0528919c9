using System.Runtime.CompilerServices;

namespace UqKernels.Kernels.Ranking;

/// <summary>
/// The per-tie-group terms of exact AUROC and AP (uq_metrics.md §2.2, §2.4), shared by the CPU scan and the device
/// reduction so both produce the same integer numerator and the same AP terms.
/// </summary>
public static class TieGroupScan
{
    /// <summary>
    /// A group's share of the Mann–Whitney numerator: <c>pos·(2·negBelow + neg)</c> — each positive beats the
    /// <c>negBelow</c> negatives of strictly lower groups (2 each) and ties the group's <c>neg</c> negatives (1 each).
    /// Exact in int64 for n &lt; 2^31.
    /// </summary>
    /// <param name="positives">Positives in the group.</param>
    /// <param name="negatives">Negatives in the group.</param>
    /// <param name="negativesBelow">Negatives in strictly lower-scored groups of the same segment.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long TwiceUTerm(long positives, long negatives, long negativesBelow) =>
        positives * ((2 * negativesBelow) + negatives);

    /// <summary>
    /// A group's AP term <c>(pos/n1)·TP/(TP + FP)</c>, where TP / FP count every positive / negative scored at or above
    /// the group (sklearn's step sum, descending order). <c>pos/n1</c> is taken as exactly 1 when the group holds every
    /// positive (so constant scores give exactly <c>n1/n</c>) and as <c>pos·(1/n1)</c> otherwise (one division per
    /// group; ≤ 1 ulp from <c>pos/n1</c>).
    /// </summary>
    /// <param name="positives">Positives in the group (0 ⇒ the term is 0).</param>
    /// <param name="truePositives">Positives at or above the group: <c>n1 − positives in lower groups</c>.</param>
    /// <param name="falsePositives">Negatives at or above the group: <c>n0 − negatives in lower groups</c>.</param>
    /// <param name="n1">Positives in the segment.</param>
    /// <param name="inverseN1"><c>1.0 / n1</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ApTerm(long positives, long truePositives, long falsePositives, long n1, double inverseN1)
    {
        if (positives == 0)
        {
            return 0.0;
        }

        double recallStep = positives == n1 ? 1.0 : positives * inverseN1;
        return recallStep * ((double)truePositives / (truePositives + falsePositives));
    }
}

/// <summary>
/// The sequential tie-group scan of one segment: feed the groups in ascending score order with <see cref="Add"/>.
/// </summary>
public struct TieGroupTally
{
    /// <summary>Positives of the segment.</summary>
    public long N1;

    /// <summary>Negatives of the segment.</summary>
    public long N0;

    /// <summary>The running numerator <c>2U</c>.</summary>
    public long TwiceU;

    /// <summary>Negatives in the groups added so far.</summary>
    public long NegativesBelow;

    /// <summary>Positives in the groups added so far.</summary>
    public long PositivesBelow;

    /// <summary>The running AP sum.</summary>
    public double ApSum;

    /// <summary><c>1.0 / N1</c>.</summary>
    public double InverseN1;

    /// <summary>An empty tally of a segment with <paramref name="n1"/> positives and <paramref name="n0"/> negatives.</summary>
    public TieGroupTally(long n1, long n0)
    {
        N1 = n1;
        N0 = n0;
        InverseN1 = n1 > 0 ? 1.0 / n1 : 0.0;
    }

    /// <summary>Adds the next group (ascending score order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long positives, long negatives)
    {
        TwiceU += TieGroupScan.TwiceUTerm(positives, negatives, NegativesBelow);
        ApSum += TieGroupScan.ApTerm(positives, N1 - PositivesBelow, N0 - NegativesBelow, N1, InverseN1);
        NegativesBelow += negatives;
        PositivesBelow += positives;
    }
}
