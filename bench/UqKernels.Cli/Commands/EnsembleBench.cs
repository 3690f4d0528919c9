namespace UqKernels.Cli.Commands;

/// <summary>
/// The ensemble decomposition at the spec's size (ImageNet, 10 members × 10,000 × 1,000 f32, member-major), every
/// output requested; <c>--members</c>, <c>--batch</c>, <c>--classes</c> change it.
/// </summary>
internal static class EnsembleBench
{
    public static (Action Run, long Bytes, string Description) Prepare(UqContext context, CommandLine line)
    {
        int members = line.Int("members", 10);
        int batch = line.Int("batch", 10_000);
        int classes = line.Int("classes", 1_000);
        float[] logits = SyntheticLogits.Uniform((long)members * batch * classes, 6f);
        var random = new Random(3);
        int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(classes)).ToArray();
        float[][] o = Enumerable.Range(0, 13).Select(_ => new float[batch]).ToArray();
        int[] argMax = new int[batch];
        void Run() => context.EnsembleDecomposition(
            logits, members, batch, classes, EnsembleLayout.MemberMajor, labels,
            new EnsembleOutputs<float>
            {
                Total = o[0], Aleatoric = o[1], EpistemicKl = o[2], EpistemicDifference = o[3], DualEntropy = o[4],
                Bregman = o[5], ExpectedMsp = o[6], MspBma = o[7], MspDual = o[8], VarianceProbabilities = o[9],
                VarianceLogits = o[10], NllBma = o[11], NllDual = o[12], ArgMaxBma = argMax,
            });
        return (Run, logits.LongLength * sizeof(float), $"ensemble {members}x{batch}x{classes} f32 (all outputs)");
    }
}
