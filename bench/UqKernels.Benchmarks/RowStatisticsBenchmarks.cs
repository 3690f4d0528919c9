using BenchmarkDotNet.Attributes;

namespace UqKernels.Benchmarks;

/// <summary>
/// The single-model pass (every output, labels given) at the spec's ImageNet size, 50,000 × 1,000, and at a ragged
/// width (6·512 + 7 classes) that exercises vector tails; f32 and f64 logits.
/// </summary>
[BenchmarkCategory("Entropy")]
[MemoryDiagnoser]
public class RowStatisticsBenchmarks
{
    private float[] _f32 = [];
    private double[] _f64 = [];
    private int[] _labels = [];
    private float[][] _f32Outputs = [];
    private double[][] _f64Outputs = [];
    private int[] _argMax = [];
    private UqContext? _context;

    [ParamsSource(typeof(BenchmarkDevices), nameof(BenchmarkDevices.All))]
    public string Device { get; set; } = "cpu";

    [Params(1_000, (6 * 512) + 7)]
    public int Classes { get; set; }

    public int Rows => 50_000_000 / Classes;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20230828);
        _f32 = new float[Rows * Classes];
        for (int i = 0; i < _f32.Length; i++)
        {
            _f32[i] = (float)((random.NextDouble() * 12) - 6);
        }

        _f64 = _f32.Select(v => (double)v).ToArray();
        _labels = Enumerable.Range(0, Rows).Select(_ => random.Next(Classes)).ToArray();
        _f32Outputs = Enumerable.Range(0, 10).Select(_ => new float[Rows]).ToArray();
        _f64Outputs = Enumerable.Range(0, 10).Select(_ => new double[Rows]).ToArray();
        _argMax = new int[Rows];
        _context = UqContext.Create(Device);
    }

    [GlobalCleanup]
    public void Cleanup() => _context?.Dispose();

    [Benchmark(Baseline = true)]
    public void RowStatistics_F32() =>
        _context!.RowStatistics(_f32, new MatrixShape(Rows, Classes), _labels, Outputs(_f32Outputs, _argMax));

    [Benchmark]
    public void RowStatistics_F64() =>
        _context!.RowStatistics(_f64, new MatrixShape(Rows, Classes), _labels, Outputs(_f64Outputs, _argMax));

    private static RowStatisticsOutputs<T> Outputs<T>(T[][] o, int[] argMax)
        where T : unmanaged => new()
    {
        Lse = o[0], Entropy = o[1], Msp = o[2], ProbabilityMargin = o[3], LogitMargin = o[4], Nll = o[5],
        Brier = o[6], Top1Correct = o[7], TopKCorrect = o[8], LabelSmoothedCrossEntropy = o[9], ArgMax = argMax,
    };
}
