namespace UqKernels;

/// <summary>
/// Caller-allocated results of <see cref="UqOps.VonMisesFisherSampleBackward(UqContext, ReadOnlySpan{double}, ReadOnlySpan{double}, int, VmfSampleOptions, ReadOnlySpan{double}, GradientMode, VmfSampleGradients{double})"/>;
/// leave a span empty to skip it (at least one must be set).
/// </summary>
/// <typeparam name="T">The compute type.</typeparam>
public ref struct VmfSampleGradients<T>
    where T : unmanaged
{
    /// <summary><c>[N, d]</c> <c>∂L/∂μ</c> (tangent to the sphere at μ: the sampler divides μ by its norm).</summary>
    public Span<T> Mu;

    /// <summary><c>[N]</c> <c>∂L/∂κ</c>.</summary>
    public Span<T> Kappa;
}
