using System.Numerics;
using System.Runtime.InteropServices;
using UqKernels.Cpu;

namespace UqKernels.Cli.Commands;

/// <summary>
/// The machine's read bandwidth, the roofline of every streaming kernel here: a STREAM-like sum over a buffer much
/// larger than the caches (<c>--megabytes</c>, default 1,024), in 1 MiB blocks over the same thread team and chunking as
/// the kernels (<see cref="CpuParallel.ForRowRanges"/>), so a kernel's fraction of it compares like with like.
/// </summary>
internal static class MemoryBench
{
    private const int BlockFloats = 1 << 18;

    public static (Action Run, long Bytes, string Description) Prepare(UqContext context, CommandLine line)
    {
        int megabytes = line.Int("megabytes", 1024);
        float[] buffer = new float[(long)megabytes * 1024 * 1024 / sizeof(float)];
        new Random(1).NextBytes(MemoryMarshal.AsBytes(buffer.AsSpan()));
        int threads = Environment.ProcessorCount;
        int blocks = buffer.Length / BlockFloats;
        float sink = 0;
        void Run()
        {
            float[] partial = new float[blocks];
            CpuParallel.ForRowRanges(blocks, BlockFloats, (start, end) =>
            {
                ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(
                    buffer.AsSpan(start * BlockFloats, (end - start) * BlockFloats));
                Vector<float> a = Vector<float>.Zero, b = Vector<float>.Zero, c = Vector<float>.Zero, d = Vector<float>.Zero;
                int i = 0;
                for (; i + 4 <= vectors.Length; i += 4)
                {
                    a += vectors[i];
                    b += vectors[i + 1];
                    c += vectors[i + 2];
                    d += vectors[i + 3];
                }

                partial[start] = Vector.Sum(a + b + c + d);
            });
            sink += partial.Sum();
        }

        return (Run, buffer.LongLength * sizeof(float), $"memory read {megabytes} MiB, {threads} threads");
    }
}
