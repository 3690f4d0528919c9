using BenchmarkDotNet.Attributes;

namespace UqKernels.Benchmarks;

/// <summary>The ensemble decomposition (every output) at the spec's size, 10 members × 10,000 × 1,000 f32, both layouts.</summary>
[BenchmarkCategory("Ensemble")]
public class EnsembleBenchmarks
{
    private const int Members = 10, Batch = 10_000, Classes = 1_000;
    private float[] _logits = [];
    private int[] _labels = [];
    private float[][] _outputs = [];
    private int[] _argMax = [];
    private UqContext? _context;

    [ParamsSource(typeof(BenchmarkDevices), nameof(BenchmarkDevices.All))]
    public string Device { get; set; } = "cpu";

    [Params(EnsembleLayout.MemberMajor, EnsembleLayout.SampleMajor)]
    public EnsembleLayout Layout { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20230828);
        _logits = new float[Members * Batch * Classes];
        for (int i = 0; i < _logits.Length; i++)
        {
            _logits[i] = (float)((random.NextDouble() * 12) - 6);
        }

        _labels = Enumerable.Range(0, Batch).Select(_ => random.Next(Classes)).ToArray();
        _outputs = Enumerable.Range(0, 13).Select(_ => new float[Batch]).ToArray();
        _argMax = new int[Batch];
        _context = UqContext.Create(Device);
    }

    [GlobalCleanup]
    public void Cleanup() => _context?.Dispose();

    [Benchmark]
    public void EnsembleDecomposition_F32()
    {
        float[][] o = _outputs;
        _context!.EnsembleDecomposition(
            _logits, Members, Batch, Classes, Layout, _labels,
            new EnsembleOutputs<float>
            {
                Total = o[0], Aleatoric = o[1], EpistemicKl = o[2], EpistemicDifference = o[3], DualEntropy = o[4],
                Bregman = o[5], ExpectedMsp = o[6], MspBma = o[7], MspDual = o[8], VarianceProbabilities = o[9],
                VarianceLogits = o[10], NllBma = o[11], NllDual = o[12], ArgMaxBma = _argMax,
            });
    }
}
