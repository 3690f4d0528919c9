using BenchmarkDotNet.Attributes;

namespace UqKernels.Benchmarks;

/// <summary>Token-level statistics at the spec's LLM size: 2,048 token rows × 128,000 vocabulary, bf16 and f32.</summary>
[BenchmarkCategory("Token")]
public class TokenStatisticsBenchmarks
{
    private const int Batch = 16, Time = 128, Vocab = 128_000;
    private BFloat16[] _bf16 = [];
    private float[] _f32 = [];
    private int[] _labels = [];
    private float[] _nll = [], _entropy = [], _msp = [];
    private UqContext? _context;

    [ParamsSource(typeof(BenchmarkDevices), nameof(BenchmarkDevices.All))]
    public string Device { get; set; } = "cpu";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20230828);
        _f32 = new float[Batch * Time * Vocab];
        for (int i = 0; i < _f32.Length; i++)
        {
            _f32[i] = (float)((random.NextDouble() * 12) - 6);
        }

        _bf16 = _f32.Select(v => (BFloat16)v).ToArray();
        _labels = Enumerable.Range(0, Batch * Time).Select(_ => random.Next(Vocab)).ToArray();
        _nll = new float[Batch * (Time - 1)];
        _entropy = new float[Batch * (Time - 1)];
        _msp = new float[Batch * (Time - 1)];
        _context = UqContext.Create(Device);
    }

    [GlobalCleanup]
    public void Cleanup() => _context?.Dispose();

    [Benchmark(Baseline = true)]
    public void TokenStatistics_Bf16() =>
        _context!.TokenStatistics(_bf16, Batch, Time, Vocab, _labels, Outputs());

    [Benchmark]
    public void TokenStatistics_F32() =>
        _context!.TokenStatistics(_f32, Batch, Time, Vocab, _labels, Outputs());

    private TokenStatisticsOutputs<float> Outputs() => new() { TokenNll = _nll, TokenEntropy = _entropy, TokenMsp = _msp };
}
