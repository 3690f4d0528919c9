using ILGPU;

namespace UqKernels.Kernels.Math;

/// <summary>Device-side stores to optional outputs: an empty view means the caller did not request that output.</summary>
public static class OptionalOutput
{
    /// <summary>Writes <paramref name="value"/> at <paramref name="index"/> when <paramref name="view"/> was requested.</summary>
    public static void Store<T>(ArrayView<T> view, int index, T value)
        where T : unmanaged
    {
        if (view.Length > 0)
        {
            view[index] = value;
        }
    }
}
