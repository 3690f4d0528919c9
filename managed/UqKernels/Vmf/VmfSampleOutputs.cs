namespace UqKernels;

/// <summary>
/// Caller-allocated destinations of <see cref="UqOps.VonMisesFisherSample(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfSampleOptions, VmfSampleOutputs{double})"/>.
/// </summary>
/// <typeparam name="T">The compute type (as μ and κ).</typeparam>
public ref struct VmfSampleOutputs<T>
    where T : unmanaged
{
    /// <summary>Required: <c>[N, S, d]</c> samples <c>x</c>, row-major (element, sample, coordinate); unit vectors.</summary>
    public Span<T> Samples;

    /// <summary>Optional: <c>[N, S]</c> cosines <c>w = μ̂ᵀx</c> (as drawn, before the composition's rounding).</summary>
    public Span<T> Cosines;

    /// <summary>
    /// Optional: <c>[N, S]</c> rejection-sampler proposals used per sample (1 for d = 3); 0 flags a sample whose 64
    /// proposals were all rejected (probability ≤ 1e−32 for a valid κ) — that sample is NaN.
    /// </summary>
    public Span<int> Proposals;
}
