namespace UqKernels;

public static partial class UqOps
{
    /// <summary>
    /// Semantic entropy of LLM answers grouped per question in CSR layout (uq_metrics.md §1.7): question <c>q</c> has
    /// answers <c>[offsets[q], offsets[q+1])</c>, each with a sequence log-likelihood <c>ℓ_i</c> and a semantic cluster
    /// id <c>k_i</c>. Writes, per question, the Rao-Blackwellised SE, the discrete SE, Kuhn-2023 SE and the naive
    /// predictive entropy (see <see cref="SemanticEntropyOutputs"/> for the formulas).
    /// </summary>
    /// <remarks>
    /// <para>Cluster ids are arbitrary integers (negative and large ones included) and are relabelled densely per
    /// question in order of first appearance; only equality within a question matters. Every log-sum-exp is
    /// max-shifted, so summed log-likelihoods far below −745 (where jlko's unshifted <c>exp</c> underflows to 0) give
    /// finite results, and Rao SE is invariant to adding a constant to a question's <c>ℓ</c>.</para>
    /// <para>Math (f64): per cluster <c>LSE_k = m_k + ln Σ e^(ℓ_i − m_k)</c>; Rao SE is the entropy of
    /// <c>softmax(LSE_1..LSE_K)</c> in shifted form <c>ln s − t/s</c> (exactly 0 for one cluster);
    /// discrete SE <c>−Σ (n_k/N) ln(n_k/N)</c>; Kuhn SE <c>−(1/K) Σ_k (LSE_k − shift)</c>; naive <c>−(1/N) Σ ℓ_i</c>.</para>
    /// <para>NaN policy, per question: an empty question gives NaN in every output; a NaN or +∞ log-likelihood
    /// makes every output of its question NaN; a −∞ log-likelihood is an answer of probability 0 (it counts in
    /// <c>n_k</c>, has weight 0 in Rao SE, and makes Kuhn/naive +∞ when it is all of a cluster's mass); a question
    /// whose log-likelihoods are all −∞ has NaN Rao SE. Other questions are never affected.</para>
    /// <para>The ILGPU path runs one device thread per question over host-relabelled ids; results equal the CPU
    /// path's up to the last bits of <c>exp</c>/<c>log</c>.</para>
    /// </remarks>
    /// <param name="context">The device to run on.</param>
    /// <param name="offsets"><c>[Q+1]</c> CSR offsets: <c>offsets[0] = 0</c>, non-decreasing, <c>offsets[Q] = N</c>.</param>
    /// <param name="logLikelihoods"><c>[N]</c> sequence log-likelihoods (mean or summed token log-probabilities).</param>
    /// <param name="clusterIds"><c>[N]</c> semantic cluster ids, compared within a question.</param>
    /// <param name="outputs"><c>[Q]</c> destinations; empty spans are skipped.</param>
    /// <param name="options">The Kuhn shift; <see cref="SemanticEntropyOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="offsets"/> is empty, does not start at 0, decreases or does not end at N;
    /// <paramref name="clusterIds"/> has another length than <paramref name="logLikelihoods"/>; no output is requested
    /// or one is too short. The message names the argument.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid.</exception>
    public static void SemanticEntropy(
        this UqContext context,
        ReadOnlySpan<int> offsets,
        ReadOnlySpan<double> logLikelihoods,
        ReadOnlySpan<int> clusterIds,
        SemanticEntropyOutputs outputs,
        SemanticEntropyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= SemanticEntropyOptions.Default;
        options.Validate();
        int answers = logLikelihoods.Length;
        if (clusterIds.Length != answers)
        {
            throw new ArgumentException(
                $"clusterIds has {clusterIds.Length} elements but logLikelihoods has {answers}.", nameof(clusterIds));
        }

        CheckSemanticOffsets(offsets, answers);
        int questions = offsets.Length - 1;
        outputs.Validate(questions, nameof(outputs));
        if (questions == 0)
        {
            return;
        }

        if (context.Ilgpu is { } device)
        {
            IlgpuSemanticEntropy.Run(device, offsets, logLikelihoods, clusterIds, outputs, options.KuhnLogLikelihoodShift);
        }
        else
        {
            CpuSemanticEntropy.Run(offsets, logLikelihoods, clusterIds, outputs, options.KuhnLogLikelihoodShift);
        }
    }

    private static void CheckSemanticOffsets(ReadOnlySpan<int> offsets, int answers)
    {
        if (offsets.IsEmpty)
        {
            throw new ArgumentException("offsets is empty; it needs Q + 1 entries (at least [0]).", nameof(offsets));
        }

        if (offsets[0] != 0)
        {
            throw new ArgumentException($"offsets[0] = {offsets[0]} but must be 0.", nameof(offsets));
        }

        for (int q = 1; q < offsets.Length; q++)
        {
            if (offsets[q] < offsets[q - 1])
            {
                throw new ArgumentException(
                    $"offsets decreases at {q}: offsets[{q - 1}] = {offsets[q - 1]} > offsets[{q}] = {offsets[q]}.",
                    nameof(offsets));
            }
        }

        if (offsets[^1] != answers)
        {
            throw new ArgumentException(
                $"offsets ends at {offsets[^1]} but logLikelihoods has {answers} elements.", nameof(offsets));
        }
    }
}
