using ILGPU;

namespace UqKernels;

/// <summary>The one way this library configures an ILGPU context: default devices plus ILGPU.Algorithms intrinsics.</summary>
internal static class IlgpuContexts
{
    /// <summary>A new ILGPU context with every default device and the algorithm intrinsics (XMath) enabled.</summary>
    public static Context CreateContext() => Context.Create(builder => builder.Default().EnableAlgorithms());
}
