using System.Numerics;
using System.Runtime.InteropServices;

namespace UqKernels.Cli.Commands;

/// <summary>
/// The machine's read bandwidth, the roofline of every streaming kernel here: a STREAM-like sum over a buffer much
/// larger than the caches, split across all cores (<c>--megabytes</c>, default 1,024).
/// </summary>
internal static class MemoryBench
{
    public static (Action Run, long Bytes, string Description) Prepare(UqContext context, CommandLine line)
    {
        int megabytes = line.Int("megabytes", 1024);
        float[] buffer = new float[(long)megabytes * 1024 * 1024 / sizeof(float)];
        new Random(1).NextBytes(MemoryMarshal.AsBytes(buffer.AsSpan()));
        int threads = Environment.ProcessorCount;
        float sink = 0;
        void Run()
        {
            float[] partial = new float[threads];
            Parallel.For(0, threads, thread =>
            {
                long start = buffer.LongLength * thread / threads;
                long end = buffer.LongLength * (thread + 1) / threads;
                ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(buffer.AsSpan((int)start, (int)(end - start)));
                Vector<float> a = Vector<float>.Zero, b = Vector<float>.Zero, c = Vector<float>.Zero, d = Vector<float>.Zero;
                int i = 0;
                for (; i + 4 <= vectors.Length; i += 4)
                {
                    a += vectors[i];
                    b += vectors[i + 1];
                    c += vectors[i + 2];
                    d += vectors[i + 3];
                }

                partial[thread] = Vector.Sum(a + b + c + d);
            });
            sink += partial.Sum();
        }

        return (Run, buffer.LongLength * sizeof(float), $"memory read {megabytes} MiB, {threads} threads");
    }
}
