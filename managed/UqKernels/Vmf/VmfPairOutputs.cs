namespace UqKernels;

/// <summary>
/// Caller-allocated destinations of
/// <see cref="UqOps.VonMisesFisherKlDivergence(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfKlOutputs{double})"/>;
/// each is <c>[N]</c>. Leave a span empty to skip that output (it is then not written); at least one must be set.
/// </summary>
/// <typeparam name="T">The compute type: <see cref="float"/> or <see cref="double"/>, as the inputs.</typeparam>
public ref struct VmfKlOutputs<T>
    where T : unmanaged
{
    /// <summary><c>KL(vMF(μ₁, κ₁) ‖ vMF(μ₂, κ₂)) = log C(κ₁) − log C(κ₂) + A(κ₁)(κ₁ − κ₂ μ₁ᵀμ₂) ≥ 0</c>, in nats.</summary>
    public Span<T> Divergence;

    /// <summary><c>∂KL/∂κ₁ = A′(κ₁)(κ₁ − κ₂ μ₁ᵀμ₂)</c>.</summary>
    public Span<T> DerivativeKappa1;

    /// <summary><c>∂KL/∂κ₂ = A(κ₂) − A(κ₁) μ₁ᵀμ₂</c>.</summary>
    public Span<T> DerivativeKappa2;

    internal readonly bool Any => !Divergence.IsEmpty || !DerivativeKappa1.IsEmpty || !DerivativeKappa2.IsEmpty;

    internal readonly void Validate(int count, string outputsName)
    {
        if (!Any)
        {
            throw new ArgumentException("No output was requested: set at least one destination span.", outputsName);
        }

        Check.Destination(Divergence.Length, count, "outputs.Divergence");
        Check.Destination(DerivativeKappa1.Length, count, "outputs.DerivativeKappa1");
        Check.Destination(DerivativeKappa2.Length, count, "outputs.DerivativeKappa2");
    }
}

/// <summary>
/// Caller-allocated destinations of
/// <see cref="UqOps.VonMisesFisherLogDensity(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfLogDensityOutputs{double})"/>;
/// each is <c>[N]</c>. Leave a span empty to skip that output (it is then not written); at least one must be set.
/// </summary>
/// <typeparam name="T">The compute type: <see cref="float"/> or <see cref="double"/>, as the inputs.</typeparam>
public ref struct VmfLogDensityOutputs<T>
    where T : unmanaged
{
    /// <summary><c>log p(x) = log C_d(κ) + κ μᵀx = logCe(κ) − κ(1 − μᵀx)</c>, in nats.</summary>
    public Span<T> LogDensity;

    /// <summary><c>∂ log p(x)/∂κ = μᵀx − A(κ) = (1 − A) − (1 − μᵀx)</c>.</summary>
    public Span<T> DerivativeKappa;

    internal readonly bool Any => !LogDensity.IsEmpty || !DerivativeKappa.IsEmpty;

    internal readonly void Validate(int count, string outputsName)
    {
        if (!Any)
        {
            throw new ArgumentException("No output was requested: set at least one destination span.", outputsName);
        }

        Check.Destination(LogDensity.Length, count, "outputs.LogDensity");
        Check.Destination(DerivativeKappa.Length, count, "outputs.DerivativeKappa");
    }
}
