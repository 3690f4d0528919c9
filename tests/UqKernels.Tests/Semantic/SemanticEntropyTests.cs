using FsCheck;
using FsCheck.Fluent;
using UqKernels.Kernels.Math;
using UqKernels.Kernels.Semantic;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Semantic;

/// <summary>The four outputs of one call.</summary>
public sealed record SemanticValues(double[] Rao, double[] Discrete, double[] Kuhn, double[] Naive)
{
    public double[] this[string name] => name switch
    {
        "se_rao" => Rao,
        "se_discrete" => Discrete,
        "se_kuhn" => Kuhn,
        "naive_pe" => Naive,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown output."),
    };

    public static IReadOnlyList<string> Names { get; } = ["se_rao", "se_discrete", "se_kuhn", "naive_pe"];

    public static SemanticValues Run(
        UqContext context, int[] offsets, double[] logLikelihoods, int[] clusterIds, SemanticEntropyOptions? options = null)
    {
        int q = offsets.Length - 1;
        var values = new SemanticValues(new double[q], new double[q], new double[q], new double[q]);
        context.SemanticEntropy(
            offsets,
            logLikelihoods,
            clusterIds,
            new SemanticEntropyOutputs { Rao = values.Rao, Discrete = values.Discrete, Kuhn = values.Kuhn, NaivePredictive = values.Naive },
            options);
        return values;
    }
}

[Collection(BackendCollection.Name)]
public sealed class SemanticEntropyTests
{
    public static TheoryData<string> AllBackends => Backends.All;

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void WorkedExample_MatchesSpec(string backend) => Backends.With(backend, context =>
    {
        // uq_metrics.md §1.7: ℓ = [−0.2, −0.5, −0.3, −1.2, −2.0], ids [0, 0, 1, 0, 2].
        SemanticValues values = SemanticValues.Run(context, [0, 5], [-0.2, -0.5, -0.3, -1.2, -2.0], [0, 0, 1, 0, 2]);
        Assert.Equal(0.783668477, values.Rao[0], 1e-9);
        Assert.Equal(0.950270539, values.Discrete[0], 1e-9);
        Assert.Equal(0.84, values.Naive[0], 1e-12);
        Assert.Equal(0.584643155, values.Kuhn[0], 1e-9);

        // lorenzkuhn's llh_shift = 5 adds exactly 5 nats to Kuhn SE and nothing else.
        SemanticValues shifted = SemanticValues.Run(
            context, [0, 5], [-0.2, -0.5, -0.3, -1.2, -2.0], [0, 0, 1, 0, 2], new SemanticEntropyOptions { KuhnLogLikelihoodShift = 5 });
        Assert.Equal(values.Kuhn[0] + 5, shifted.Kuhn[0], 1e-12);
        Assert.Equal(values.Rao[0], shifted.Rao[0]);
        Assert.Equal(values.Discrete[0], shifted.Discrete[0]);
        Assert.Equal(values.Naive[0], shifted.Naive[0]);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferenceVectors_MatchScipy(string backend) => Backends.With(backend, context =>
    {
        IReadOnlyList<ReferenceCase> cases = ReferenceCase.Load("semantic");
        Assert.NotEmpty(cases);
        foreach (ReferenceCase reference in cases)
        {
            Assert.Equal(0.0, reference.MetaDouble("kuhn_constant", double.NaN));
            SemanticValues values = SemanticValues.Run(
                context,
                reference.Input("offsets").ToInt32("offsets"),
                reference.Input("loglik").As<double>(),
                reference.Input("cluster_ids").ToInt32("cluster_ids"));
            foreach (string name in SemanticValues.Names)
            {
                Tolerance.F64.AssertClose(reference.Expected(name), values[name], $"{reference.Name}/{name} on {backend}");
            }
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ManyQuestions_MatchATwoPassOracle(string backend) => Backends.With(backend, context =>
    {
        // Question sizes 0..300 cover the empty question, the linear relabel path (≤ 64) and the dictionary path.
        var random = new Random(5);
        int[] sizes = [.. Enumerable.Range(0, 40).Select(i => i % 7 == 0 ? random.Next(65, 300) : random.Next(0, 20)), 0, 1];
        int[] offsets = [0, .. sizes.Select((_, i) => sizes.Take(i + 1).Sum())];
        double[] ll = Enumerable.Range(0, offsets[^1]).Select(_ => -random.NextDouble() * (random.Next(2) == 0 ? 3 : 2000)).ToArray();
        int[] ids = Enumerable.Range(0, offsets[^1]).Select(_ => random.Next(-4, 12) * 1000003).ToArray();
        SemanticValues values = SemanticValues.Run(context, offsets, ll, ids);
        for (int q = 0; q < sizes.Length; q++)
        {
            double[] expected = Oracle(ll[offsets[q]..offsets[q + 1]], ids[offsets[q]..offsets[q + 1]]);
            for (int o = 0; o < 4; o++)
            {
                double actual = values[SemanticValues.Names[o]][q];
                Assert.True(
                    Tolerance.F64.Matches(actual, expected[o]),
                    $"{SemanticValues.Names[o]} q={q} N={sizes[q]}: expected {expected[o]:R}, got {actual:R}");
            }
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void InvalidQuestions_AreNaN_AndDoNotCorruptOthers(string backend) => Backends.With(backend, context =>
    {
        double ninf = double.NegativeInfinity;
        int[] offsets = [0, 3, 3, 6, 9, 12, 15];
        double[] ll =
        [
            -0.2, -0.5, -0.3, // q0 valid
                              // q1 empty
            -0.2, double.NaN, -0.3, // q2 NaN
            -0.2, double.PositiveInfinity, -0.3, // q3 +∞
            -0.2, ninf, -0.3, // q4 one −∞ answer (probability 0) in its own cluster
            ninf, ninf, ninf, // q5 all −∞
        ];
        int[] ids = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 2];
        SemanticValues values = SemanticValues.Run(context, offsets, ll, ids);
        SemanticValues alone = SemanticValues.Run(context, [0, 3], ll[..3], ids[..3]);
        foreach (string name in SemanticValues.Names)
        {
            Assert.Equal(alone[name][0], values[name][0]);
            foreach (int q in new[] { 1, 2, 3 })
            {
                Assert.True(double.IsNaN(values[name][q]), $"{name} q{q}");
            }
        }

        // q4: the −∞ answer has weight 0, so Rao SE is that of one cluster {−0.2, −0.3}: 0.
        Assert.Equal(0.0, values.Rao[4]);
        Assert.Equal(-((2.0 / 3 * Math.Log(2.0 / 3)) + (1.0 / 3 * Math.Log(1.0 / 3))), values.Discrete[4], 1e-15);
        Assert.Equal(double.PositiveInfinity, values.Kuhn[4]);
        Assert.Equal(double.PositiveInfinity, values.Naive[4]);
        Assert.True(double.IsNaN(values.Rao[5]));
        Assert.Equal(Math.Log(3), values.Discrete[5], 1e-15);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Properties_HoldForRandomQuestions(string backend)
    {
        // uq_metrics.md §4 item 12.
        Gen<(double[] Ll, int[] Ids, double Shift, int Salt)> questions =
            from n in Gen.Choose(1, 16)
            from scale in Gen.Elements(1.0, 100.0)
            from ll in Gen.ArrayOf(Gen.Choose(-1000, 0).Select(v => v / 1000.0 * scale), n)
            from ids in Gen.ArrayOf(Gen.Choose(-3, 4), n)
            from shift in Gen.Elements(1000.0, -1000.0, 37.5)
            from salt in Gen.Choose(1, 1 << 20)
            select (ll, ids, shift, salt);
        Prop.ForAll(questions.ToArbitrary(), sample =>
        {
            bool holds = true;
            Backends.With(backend, context =>
            {
                int n = sample.Ll.Length;
                int[] offsets = [0, n];
                int k = sample.Ids.Distinct().Count();
                SemanticValues values = SemanticValues.Run(context, offsets, sample.Ll, sample.Ids);
                SemanticValues moved = SemanticValues.Run(context, offsets, sample.Ll.Select(v => v + sample.Shift).ToArray(), sample.Ids);
                int[] renamed = sample.Ids.Select(id => (id * 7919) ^ sample.Salt).ToArray();
                SemanticValues relabelled = SemanticValues.Run(context, offsets, sample.Ll, renamed);
                SemanticValues oneCluster = SemanticValues.Run(context, offsets, sample.Ll, new int[n]);
                SemanticValues singletons = SemanticValues.Run(
                    context, offsets, Enumerable.Repeat(sample.Ll[0], n).ToArray(), Enumerable.Range(0, n).ToArray());
                int size = 1 + (sample.Salt % 3);
                SemanticValues equalSizes = SemanticValues.Run(
                    context, [0, n * size], [.. Enumerable.Repeat(sample.Ll, size).SelectMany(v => v)],
                    Enumerable.Range(0, n * size).Select(i => i % n).ToArray());
                holds = values.Rao[0] >= 0 && values.Rao[0] <= Math.Log(k) + 1e-12
                    && values.Discrete[0] >= 0 && values.Discrete[0] <= Math.Log(k) + 1e-12
                    && Math.Abs(moved.Rao[0] - values.Rao[0]) <= 1e-9
                    && Math.Abs(moved.Kuhn[0] - (values.Kuhn[0] - sample.Shift)) <= 1e-9
                    && Math.Abs(moved.Naive[0] - (values.Naive[0] - sample.Shift)) <= 1e-9
                    && moved.Discrete[0] == values.Discrete[0]
                    && SemanticValues.Names.All(name => relabelled[name][0].Equals(values[name][0]))
                    && oneCluster.Rao[0] == 0 && oneCluster.Discrete[0] == 0
                    && Math.Abs(singletons.Rao[0] - Math.Log(n)) <= 1e-15 * Math.Max(1, Math.Log(n)) + 1e-15
                    && Math.Abs(singletons.Discrete[0] - Math.Log(n)) <= 1e-14
                    && Math.Abs(equalSizes.Discrete[0] - Math.Log(n)) <= 1e-14;
            });
            return holds;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Backends.IsSlow(backend) ? 15 : 100).WithQuietOnSuccess(true));
    }

    [Fact]
    public void BadInput_IsRejected_WithTheArgumentNamed() => Backends.With("cpu", context =>
    {
        double[] ll = [-1, -2, -3];
        int[] ids = [0, 1, 0];
        double[] output = new double[2];
        // Outputs are a ref struct (not capturable), so each call names its destinations: Rao [2], none, or Kuhn [1].
        string Thrown<TException>(int[] offsets, int[]? clusterIds = null, string outputs = "rao", SemanticEntropyOptions? options = null)
            where TException : ArgumentException =>
            Assert.Throws<TException>(() => context.SemanticEntropy(
                offsets,
                ll,
                clusterIds ?? ids,
                outputs switch
                {
                    "none" => default,
                    "short" => new SemanticEntropyOutputs { Kuhn = new double[1] },
                    _ => new SemanticEntropyOutputs { Rao = output },
                },
                options)).ParamName!;

        Assert.Equal("offsets", Thrown<ArgumentException>([]));
        Assert.Equal("offsets", Thrown<ArgumentException>([1, 2, 3]));
        Assert.Equal("offsets", Thrown<ArgumentException>([0, 2, 1, 3]));
        Assert.Equal("offsets", Thrown<ArgumentException>([0, 1, 2]));
        Assert.Equal("offsets", Thrown<ArgumentException>([0, 2, 4]));
        Assert.Equal("clusterIds", Thrown<ArgumentException>([0, 1, 3], [0, 1]));
        Assert.Equal("outputs", Thrown<ArgumentException>([0, 1, 3], outputs: "none"));
        Assert.Equal("outputs.Kuhn", Thrown<ArgumentException>([0, 1, 3], outputs: "short"));
        Assert.Equal("KuhnLogLikelihoodShift", Thrown<ArgumentOutOfRangeException>(
            [0, 1, 3], options: new SemanticEntropyOptions { KuhnLogLikelihoodShift = double.NaN }));

        // Q = 0 is valid and writes nothing.
        context.SemanticEntropy([0], [], [], new SemanticEntropyOutputs { Rao = output });
    });

    /// <summary>Straight from the definitions: dictionary relabel, two-pass max-shifted log-sum-exp per cluster.</summary>
    private static double[] Oracle(double[] ll, int[] ids)
    {
        int n = ll.Length;
        if (n == 0)
        {
            return [double.NaN, double.NaN, double.NaN, double.NaN];
        }

        int[][] clusters = ids.Select((id, i) => (id, i)).GroupBy(p => p.id).Select(g => g.Select(p => p.i).ToArray()).ToArray();
        static double Lse(IEnumerable<double> values)
        {
            double max = values.Max();
            return max + Math.Log(values.Sum(v => Math.Exp(v - max)));
        }

        double total = Lse(ll);
        double[] lse = clusters.Select(c => Lse(c.Select(i => ll[i]))).ToArray();
        double rao = -lse.Sum(l => Math.Exp(l - total) * (l - total));
        double discrete = -clusters.Sum(c => (double)c.Length / n * Math.Log((double)c.Length / n));
        return [rao, discrete, -lse.Average(), -ll.Average()];
    }
}
