namespace UqKernels;

/// <summary>
/// What a ranking metric does with NaN scores (uq_metrics.md §2.1). The position of NaN after the float→key
/// transform is platform-dependent (x86's default NaN is negative, CUDA's positive), so it is never left to the sort.
/// </summary>
public enum NanPolicy
{
    /// <summary>Throw <see cref="ArgumentException"/> naming the scores and the first NaN index (sklearn parity: it raises).</summary>
    Error = 0,

    /// <summary>Return NaN metrics with <see cref="RankingStatus.NaNPropagated"/>.</summary>
    Propagate = 1,

    /// <summary>Drop every element whose score is NaN (its label is still validated) and rank the rest.</summary>
    Omit = 2,
}
