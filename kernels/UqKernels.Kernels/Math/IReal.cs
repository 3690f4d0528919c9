using System.Numerics;

namespace UqKernels.Kernels.Math;

/// <summary>
/// Transcendental functions and conversions of one compute type, as static abstract members, so one generic scalar
/// routine serves the CPU path and the ILGPU kernels (CUDA, OpenCL, CPU accelerator).
/// </summary>
/// <remarks>
/// Arithmetic and comparisons use <typeparamref name="T"/>'s own operators, which ILGPU 1.5.3 compiles. The BCL's
/// generic conversions (<c>T.CreateTruncating</c>) and <see cref="System.Half"/> conversions do not compile in
/// ILGPU 1.5.3 (internal compiler error), so every conversion and every library function goes through this
/// interface, whose implementations call <see cref="MathF"/> / <see cref="System.Math"/>, which ILGPU remaps to
/// device intrinsics.
/// </remarks>
/// <typeparam name="T">The compute type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IReal<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The largest finite value; used to clamp <c>−∞</c> shifts so that <c>u·e^u</c> is <c>−0</c>, not NaN.</summary>
    static abstract T MaxFinite { get; }

    /// <summary><c>e^x</c>.</summary>
    static abstract T Exp(T x);

    /// <summary>Natural logarithm.</summary>
    static abstract T Log(T x);

    /// <summary>Square root.</summary>
    static abstract T Sqrt(T x);

    /// <summary><c>|x|</c>.</summary>
    static abstract T Abs(T x);

    /// <summary>A double constant rounded to the compute type.</summary>
    static abstract T FromDouble(double value);

    /// <summary>An integer rounded to the compute type.</summary>
    static abstract T FromInt64(long value);

    /// <summary>The value widened to double.</summary>
    static abstract double ToDouble(T value);

    /// <summary>True when <paramref name="x"/> is neither NaN nor infinite.</summary>
    static abstract bool IsFinite(T x);
}

/// <summary>Single-precision compute.</summary>
public readonly struct Real32 : IReal<float>
{
    /// <inheritdoc/>
    public static float MaxFinite => float.MaxValue;

    /// <inheritdoc/>
    public static float Exp(float x) => MathF.Exp(x);

    /// <inheritdoc/>
    public static float Log(float x) => MathF.Log(x);

    /// <inheritdoc/>
    public static float Sqrt(float x) => MathF.Sqrt(x);

    /// <inheritdoc/>
    public static float Abs(float x) => MathF.Abs(x);

    /// <inheritdoc/>
    public static float FromDouble(double value) => (float)value;

    /// <inheritdoc/>
    public static float FromInt64(long value) => value;

    /// <inheritdoc/>
    public static double ToDouble(float value) => value;

    /// <inheritdoc/>
    public static bool IsFinite(float x) => x - x == 0f;
}

/// <summary>Double-precision compute.</summary>
public readonly struct Real64 : IReal<double>
{
    /// <inheritdoc/>
    public static double MaxFinite => double.MaxValue;

    /// <inheritdoc/>
    public static double Exp(double x) => System.Math.Exp(x);

    /// <inheritdoc/>
    public static double Log(double x) => System.Math.Log(x);

    /// <inheritdoc/>
    public static double Sqrt(double x) => System.Math.Sqrt(x);

    /// <inheritdoc/>
    public static double Abs(double x) => System.Math.Abs(x);

    /// <inheritdoc/>
    public static double FromDouble(double value) => value;

    /// <inheritdoc/>
    public static double FromInt64(long value) => value;

    /// <inheritdoc/>
    public static double ToDouble(double value) => value;

    /// <inheritdoc/>
    public static bool IsFinite(double x) => x - x == 0.0;
}
