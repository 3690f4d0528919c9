namespace UqKernels.Cli.Commands;

/// <summary>Fast reproducible benchmark inputs (xorshift; generating 10⁸ values with <see cref="Random"/> takes seconds).</summary>
internal static class SyntheticLogits
{
    /// <summary><paramref name="count"/> values uniform in <c>[−scale, scale)</c>, the same on every run.</summary>
    public static float[] Uniform(long count, float scale)
    {
        float[] values = new float[count];
        Parallel.For(0, Environment.ProcessorCount, part =>
        {
            long start = count * part / Environment.ProcessorCount;
            long end = count * (part + 1) / Environment.ProcessorCount;
            ulong state = 0x9E3779B97F4A7C15UL * (ulong)(part + 1);
            for (long i = start; i < end; i++)
            {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                values[i] = (((state >> 40) * (1f / (1 << 24))) * 2 * scale) - scale;
            }
        });
        return values;
    }
}
