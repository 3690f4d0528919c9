using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace UqKernels.Cpu;

/// <summary>Converts a row from its storage type to the compute type on the CPU path (the SIMD twin of <c>IElementLoader</c>).</summary>
internal interface IRowWidening<TStorage, T>
    where TStorage : unmanaged
    where T : unmanaged
{
    /// <summary>True when storage and compute types are the same, so a row can be used in place.</summary>
    static abstract bool IsIdentity { get; }

    /// <summary>Writes the exact compute-type values of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    static abstract void Widen(ReadOnlySpan<TStorage> source, Span<T> destination);
}

/// <summary>f32 → f32.</summary>
internal readonly struct WidenF32 : IRowWidening<float, float>
{
    public static bool IsIdentity => true;

    public static void Widen(ReadOnlySpan<float> source, Span<float> destination) => source.CopyTo(destination);
}

/// <summary>f64 → f64.</summary>
internal readonly struct WidenF64 : IRowWidening<double, double>
{
    public static bool IsIdentity => true;

    public static void Widen(ReadOnlySpan<double> source, Span<double> destination) => source.CopyTo(destination);
}

/// <summary>binary16 → f32 (hardware conversion through TensorPrimitives).</summary>
internal readonly struct WidenF16 : IRowWidening<Half, float>
{
    public static bool IsIdentity => false;

    public static void Widen(ReadOnlySpan<Half> source, Span<float> destination) =>
        TensorPrimitives.ConvertToSingle(source, destination);
}

/// <summary>bfloat16 → f32: zero-extend the 16 bits and shift them into the high half, in one pass.</summary>
internal readonly struct WidenBf16 : IRowWidening<BFloat16, float>
{
    public static bool IsIdentity => false;

    public static void Widen(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        ReadOnlySpan<ushort> bits = MemoryMarshal.Cast<BFloat16, ushort>(source);
        Span<uint> wide = MemoryMarshal.Cast<float, uint>(destination)[..bits.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= bits.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                Vector.Widen(new Vector<ushort>(bits[i..]), out Vector<uint> low, out Vector<uint> high);
                (low << 16).CopyTo(wide[i..]);
                (high << 16).CopyTo(wide[(i + Vector<uint>.Count)..]);
            }
        }

        for (; i < bits.Length; i++)
        {
            wide[i] = (uint)bits[i] << 16;
        }
    }
}
