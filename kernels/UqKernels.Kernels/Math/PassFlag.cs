namespace UqKernels.Kernels.Math;

/// <summary>
/// A compile-time switch of a generic pass: each instantiation keeps or drops the work behind it (the JIT and ILGPU fold
/// <see cref="On"/> per instantiation).
/// </summary>
internal interface IPassFlag
{
    static abstract bool On { get; }
}

/// <summary>The switch on.</summary>
internal readonly struct Yes : IPassFlag
{
    public static bool On => true;
}

/// <summary>The switch off.</summary>
internal readonly struct No : IPassFlag
{
    public static bool On => false;
}
