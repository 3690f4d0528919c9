namespace UqKernels.Benchmarks;

/// <summary>
/// The devices benchmarks run on: the managed SIMD backend and every GPU found. ILGPU's CPU accelerator simulates
/// GPU groups with threads and is orders of magnitude slower, so it is validated, not benchmarked.
/// </summary>
public static class BenchmarkDevices
{
    public static IEnumerable<string> All => UqDevices.List()
        .Where(d => d.IsAvailable && d.Backend != UqBackend.IlgpuCpu)
        .Select(d => d.Selector);
}
