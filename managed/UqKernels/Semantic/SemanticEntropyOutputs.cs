namespace UqKernels;

/// <summary>
/// Caller-allocated <c>[Q]</c> destinations of <see cref="UqOps.SemanticEntropy"/>, in nats. Leave a span empty to skip
/// that output; at least one must be set.
/// </summary>
public ref struct SemanticEntropyOutputs
{
    /// <summary>
    /// Rao-Blackwellised semantic entropy (Farquhar et al., Nature 2024, jlko <c>predictive_entropy_rao</c>):
    /// <c>−Σ_k π_k ln π_k</c> with <c>ln π_k = LSE_{i∈k} ℓ_i − LSE_i ℓ_i</c>; <c>0 ≤ SE ≤ ln K</c>.
    /// </summary>
    public Span<double> Rao;

    /// <summary>Discrete semantic entropy (jlko <c>cluster_assignment_entropy</c>): <c>−Σ_k (n_k/N) ln(n_k/N)</c>.</summary>
    public Span<double> Discrete;

    /// <summary>
    /// Kuhn et al. (ICLR 2023) <c>predictive_entropy_over_concepts</c>: <c>−(1/K) Σ_k (LSE_{i∈k} ℓ_i − shift)</c>, with
    /// shift = <see cref="SemanticEntropyOptions.KuhnLogLikelihoodShift"/>.
    /// </summary>
    public Span<double> Kuhn;

    /// <summary>Naive predictive entropy (<c>regular_entropy</c>): <c>−(1/N) Σ_i ℓ_i</c>.</summary>
    public Span<double> NaivePredictive;

    internal readonly bool Any => !Rao.IsEmpty || !Discrete.IsEmpty || !Kuhn.IsEmpty || !NaivePredictive.IsEmpty;

    internal readonly void Validate(int questions, string outputsName)
    {
        if (!Any)
        {
            throw new ArgumentException("No output was requested: set at least one destination span.", outputsName);
        }

        Check.Destination(Rao.Length, questions, "outputs.Rao");
        Check.Destination(Discrete.Length, questions, "outputs.Discrete");
        Check.Destination(Kuhn.Length, questions, "outputs.Kuhn");
        Check.Destination(NaivePredictive.Length, questions, "outputs.NaivePredictive");
    }
}

/// <summary>Options of <see cref="UqOps.SemanticEntropy"/>.</summary>
public sealed record SemanticEntropyOptions
{
    /// <summary>The defaults: no Kuhn shift (matches the reference vectors and the spec's worked example).</summary>
    public static SemanticEntropyOptions Default { get; } = new();

    /// <summary>
    /// Constant (nats) subtracted from every cluster log-likelihood in <see cref="SemanticEntropyOutputs.Kuhn"/>. The
    /// lorenzkuhn/semantic_uncertainty code subtracts 5 (<c>llh_shift</c>), which adds exactly 5 to Kuhn SE; set 5 to
    /// reproduce its reported numbers. The default 0 gives the plain formula of uq_metrics.md §1.7. It does not affect
    /// the other outputs. Must be finite.
    /// </summary>
    public double KuhnLogLikelihoodShift { get; init; }

    internal void Validate()
    {
        if (!double.IsFinite(KuhnLogLikelihoodShift))
        {
            throw new ArgumentOutOfRangeException(
                nameof(KuhnLogLikelihoodShift), KuhnLogLikelihoodShift, "KuhnLogLikelihoodShift must be finite.");
        }
    }
}
