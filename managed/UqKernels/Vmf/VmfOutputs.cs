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

    /// <summary>
    /// f64 destinations for the requested outputs of this set (the f32 operation computes in f64): one pooled
    /// <c>[count]</c> buffer per requested output, <see langword="null"/> for the others, in field order.
    /// </summary>
    internal readonly double[]?[] RentWide(int count)
    {
        ReadOnlySpan<int> lengths =
        [
            LogNormalizer.Length, LogNormalizerDelta.Length, ScaledLogNormalizer.Length, MeanResultantLength.Length,
            OneMinusMeanResultantLength.Length, MeanResultantLengthDerivative.Length, Entropy.Length, KlToUniform.Length,
            EntropyDerivative.Length, KlToUniformDerivative.Length,
        ];
        var buffers = new double[]?[lengths.Length];
        for (int i = 0; i < lengths.Length; i++)
        {
            buffers[i] = lengths[i] == 0 ? null : System.Buffers.ArrayPool<double>.Shared.Rent(count);
        }

        return buffers;
    }

    /// <summary>The f64 output set over <paramref name="buffers"/> (from <see cref="RentWide"/>).</summary>
    internal static VmfOutputs<double> Over(double[]?[] buffers, int count)
    {
        Span<double> At(int i) => buffers[i] is { } b ? b.AsSpan(0, count) : default;
        return new VmfOutputs<double>
        {
            LogNormalizer = At(0), LogNormalizerDelta = At(1), ScaledLogNormalizer = At(2), MeanResultantLength = At(3),
            OneMinusMeanResultantLength = At(4), MeanResultantLengthDerivative = At(5), Entropy = At(6),
            KlToUniform = At(7), EntropyDerivative = At(8), KlToUniformDerivative = At(9),
        };
    }

    /// <summary>Rounds the f64 results in <paramref name="buffers"/> into this set's f32 destinations, then returns the buffers to the pool.</summary>
    internal readonly void NarrowFrom(double[]?[] buffers, int count)
    {
        Narrow(buffers[0], LogNormalizer, count);
        Narrow(buffers[1], LogNormalizerDelta, count);
        Narrow(buffers[2], ScaledLogNormalizer, count);
        Narrow(buffers[3], MeanResultantLength, count);
        Narrow(buffers[4], OneMinusMeanResultantLength, count);
        Narrow(buffers[5], MeanResultantLengthDerivative, count);
        Narrow(buffers[6], Entropy, count);
        Narrow(buffers[7], KlToUniform, count);
        Narrow(buffers[8], EntropyDerivative, count);
        Narrow(buffers[9], KlToUniformDerivative, count);
        foreach (double[]? buffer in buffers)
        {
            if (buffer is not null)
            {
                System.Buffers.ArrayPool<double>.Shared.Return(buffer);
            }
        }

        static void Narrow(double[]? source, Span<T> destination, int count)
        {
            if (source is not null)
            {
                System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(
                    source.AsSpan(0, count), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(destination[..count]));
            }
        }
    }

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
