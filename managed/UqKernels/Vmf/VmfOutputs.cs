namespace UqKernels;

/// <summary>
/// Caller-allocated destinations of <see cref="UqOps.VonMisesFisher(UqContext, ReadOnlySpan{double}, int, VmfOutputs{double})"/>;
/// each is <c>[N]</c>, one element per κ. Leave a span empty to skip that output (it is then not written).
/// </summary>
/// <remarks>
/// <c>C_d(κ) = κ^ν/((2π)^{d/2} I_ν(κ))</c>, <c>ν = d/2 − 1</c>, <c>A_d(κ) = I_{d/2}(κ)/I_{d/2−1}(κ)</c>; all in nats.
/// </remarks>
/// <typeparam name="T">The compute type: <see cref="float"/> or <see cref="double"/>, as the κ input.</typeparam>
public ref struct VmfOutputs<T>
    where T : unmanaged
{
    /// <summary>Log-normaliser <c>log C_d(κ)</c> (the log-density at the mean direction minus κ).</summary>
    public Span<T> LogNormalizer;

    /// <summary><c>ΔL = log C_d(κ) − log C_d(0) = −log ₀F₁(; d/2; κ²/4) ≤ 0</c>.</summary>
    public Span<T> LogNormalizerDelta;

    /// <summary><c>logCe = log C_d(κ) + κ</c>, the normaliser of <c>e^{κ(μᵀx − 1)}</c>.</summary>
    public Span<T> ScaledLogNormalizer;

    /// <summary>Mean resultant length <c>A = E[μᵀx] ∈ [0, 1)</c>.</summary>
    public Span<T> MeanResultantLength;

    /// <summary><c>1 − A</c>, without cancellation where <c>A → 1</c>.</summary>
    public Span<T> OneMinusMeanResultantLength;

    /// <summary><c>A′ = dA/dκ = Var(μᵀx) &gt; 0</c>.</summary>
    public Span<T> MeanResultantLengthDerivative;

    /// <summary>Differential entropy <c>H = −log C_d(κ) − κA</c>.</summary>
    public Span<T> Entropy;

    /// <summary><c>KL(vMF ‖ uniform on S^{d−1}) = ΔL + κA ≥ 0</c>.</summary>
    public Span<T> KlToUniform;

    /// <summary><c>dH/dκ = −κA′</c>.</summary>
    public Span<T> EntropyDerivative;

    /// <summary><c>dKL_U/dκ = κA′</c>.</summary>
    public Span<T> KlToUniformDerivative;

    /// <summary>True when any output is requested.</summary>
    internal readonly bool Any =>
        !LogNormalizer.IsEmpty || !LogNormalizerDelta.IsEmpty || !ScaledLogNormalizer.IsEmpty
        || !MeanResultantLength.IsEmpty || !OneMinusMeanResultantLength.IsEmpty
        || !MeanResultantLengthDerivative.IsEmpty || !Entropy.IsEmpty || !KlToUniform.IsEmpty
        || !EntropyDerivative.IsEmpty || !KlToUniformDerivative.IsEmpty;

    internal readonly void Validate(int count, string outputsName)
    {
        if (!Any)
        {
            throw new ArgumentException("No output was requested: set at least one destination span.", outputsName);
        }

        Check.Destination(LogNormalizer.Length, count, "outputs.LogNormalizer");
        Check.Destination(LogNormalizerDelta.Length, count, "outputs.LogNormalizerDelta");
        Check.Destination(ScaledLogNormalizer.Length, count, "outputs.ScaledLogNormalizer");
        Check.Destination(MeanResultantLength.Length, count, "outputs.MeanResultantLength");
        Check.Destination(OneMinusMeanResultantLength.Length, count, "outputs.OneMinusMeanResultantLength");
        Check.Destination(MeanResultantLengthDerivative.Length, count, "outputs.MeanResultantLengthDerivative");
        Check.Destination(Entropy.Length, count, "outputs.Entropy");
        Check.Destination(KlToUniform.Length, count, "outputs.KlToUniform");
        Check.Destination(EntropyDerivative.Length, count, "outputs.EntropyDerivative");
        Check.Destination(KlToUniformDerivative.Length, count, "outputs.KlToUniformDerivative");
    }
}
