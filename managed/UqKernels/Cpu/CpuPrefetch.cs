using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace UqKernels.Cpu;

/// <summary>
/// Software prefetch for access patterns the hardware prefetchers miss: they follow a stream only within one 4 KiB
/// page, so each new page of a strided or row-by-row walk starts with demand misses. A no-op where the instruction set
/// has no prefetch intrinsic (the hint is dropped; prefetching never faults, so a stale address is harmless).
/// </summary>
internal static unsafe class CpuPrefetch
{
    private const int LineBytes = 64;

    /// <summary>Prefetches the cache line holding <paramref name="address"/> into all cache levels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Line(void* address)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(address);
        }
    }

    /// <summary>Prefetches every cache line of <c>[start, start + bytes)</c> into all cache levels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Range(void* start, long bytes)
    {
        if (!Sse.IsSupported || bytes <= 0)
        {
            return;
        }

        byte* first = (byte*)start;
        byte* last = first + bytes - 1;
        for (byte* line = first; line <= last; line += LineBytes)
        {
            Line(line);
        }

        // The last line when the range is not line-aligned at its start.
        Line(last);
    }
}
