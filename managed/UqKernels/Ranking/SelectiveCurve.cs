namespace UqKernels;

/// <summary>
/// The cumulative-sum algebra of the selective-prediction metrics (uq_metrics.md §2.5) over values already sorted in
/// acceptance order, in f64. A tie group occupying sorted positions <c>s+1..b</c> (1-based) is averaged in closed
/// form: with <c>V_s</c> the cumulative value before it, <c>G</c> its sum and <c>m = G/(b − s)</c>, the prefix sums inside
/// it are <c>V_k = V_s + (k − s)·m</c>, so <c>Σ_{k=s+1}^{b} V_k/k = G + (V_s − s·m)·(H_b − H_s)</c>. One group (constant
/// uncertainties) therefore gives exactly <c>G</c>, and singleton groups reproduce the stable (sequential) sums bit for bit.
/// </summary>
internal static class SelectiveCurve
{
    /// <summary>
    /// <c>Σ_{k=1}^{n} V_k/k</c> with <c>V_k</c> the cumulative sum of <paramref name="values"/>, tie groups averaged
    /// (<paramref name="groupEnds"/> = exclusive end of each group, ascending) or, when it is empty, sequential.
    /// <paramref name="total"/> receives <c>V_n</c> as the sum of the group sums.
    /// </summary>
    public static double SumOfPrefixMeans(ReadOnlySpan<double> values, ReadOnlySpan<int> groupEnds, out double total)
    {
        double running = 0;
        double sum = 0;
        if (groupEnds.IsEmpty)
        {
            for (int k = 0; k < values.Length; k++)
            {
                running += values[k];
                sum += running / (k + 1);
            }

            total = running;
            return sum;
        }

        int start = 0;
        foreach (int end in groupEnds)
        {
            double group = 0;
            for (int j = start; j < end; j++)
            {
                group += values[j];
            }

            if (end - start == 1)
            {
                sum += (running + group) / end;
            }
            else
            {
                double mean = group / (end - start);
                double harmonic = 0;
                for (int k = start + 1; k <= end; k++)
                {
                    harmonic += 1.0 / k;
                }

                sum += group + ((running - (start * mean)) * harmonic);
            }

            running += group;
            start = end;
        }

        total = running;
        return sum;
    }

    /// <summary>
    /// The prefix sums <c>V_k</c> (k = 1..n, stored at k − 1): sequential, or tie-averaged <c>V_s + j·m</c> inside a
    /// group with the exact <c>V_s + G</c> at its end (so accuracies at group boundaries carry no averaging rounding).
    /// </summary>
    public static void PrefixSums(ReadOnlySpan<double> values, ReadOnlySpan<int> groupEnds, Span<double> prefix)
    {
        double running = 0;
        if (groupEnds.IsEmpty)
        {
            for (int k = 0; k < values.Length; k++)
            {
                running += values[k];
                prefix[k] = running;
            }

            return;
        }

        int start = 0;
        foreach (int end in groupEnds)
        {
            double group = 0;
            for (int j = start; j < end; j++)
            {
                group += values[j];
            }

            double mean = group / (end - start);
            for (int j = start; j < end - 1; j++)
            {
                prefix[j] = running + ((j - start + 1) * mean);
            }

            running += group;
            prefix[end - 1] = running;
            start = end;
        }
    }

    /// <summary>
    /// Coverage at accuracy target <paramref name="alpha"/> from the prefix correctness sums (see
    /// <see cref="SelectiveCoverage"/> for both definitions).
    /// </summary>
    public static SelectiveCoverage Coverage(ReadOnlySpan<double> prefixCorrect, double alpha, int startIndex)
    {
        int n = prefixCorrect.Length;
        int first = FirstBelow(prefixCorrect, alpha, 0);
        int parity = first < 0 ? 0 : first;
        if (startIndex < n)
        {
            int nonStrict = FirstBelow(prefixCorrect, alpha, startIndex);
            if (nonStrict > startIndex)
            {
                parity = nonStrict;
            }
        }

        int largest = 0;
        for (int k = n - 1; k >= 0; k--)
        {
            if (prefixCorrect[k] / (k + 1) >= alpha)
            {
                largest = k + 1;
                break;
            }
        }

        return new SelectiveCoverage(alpha, (double)parity / n, (double)largest / n);
    }

    private static int FirstBelow(ReadOnlySpan<double> prefixCorrect, double alpha, int from)
    {
        for (int k = from; k < prefixCorrect.Length; k++)
        {
            if (prefixCorrect[k] / (k + 1) < alpha)
            {
                return k;
            }
        }

        return -1;
    }
}
