using FsCheck;
using FsCheck.Fluent;
using UqKernels.Tests.Infrastructure;

namespace UqKernels.Tests.Entropy;

/// <summary>Every output of one token-statistics call, widened to f64 for comparison.</summary>
public sealed record TokenValues(
    double[] TokenNll,
    double[] TokenEntropy,
    double[] TokenMsp,
    double[] SequenceSumNll,
    double[] SequenceMeanNll,
    double[] SequencePerplexity,
    int[] SequenceCount)
{
    /// <summary>The named float output (reference-file names).</summary>
    public double[] this[string name] => name switch
    {
        "token_nll" => TokenNll,
        "token_entropy" => TokenEntropy,
        "token_msp" => TokenMsp,
        "seq_sum_nll" => SequenceSumNll,
        "seq_mean_nll" => SequenceMeanNll,
        "seq_perplexity" => SequencePerplexity,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown output."),
    };

    public static IReadOnlyList<string> FloatOutputNames { get; } =
        ["token_nll", "token_entropy", "token_msp", "seq_sum_nll", "seq_mean_nll", "seq_perplexity"];

    /// <summary>Runs every overload's storage type with every output requested.</summary>
    public static TokenValues Run<TStorage>(
        UqContext context, TStorage[] logits, int batch, int time, int vocab, int[] labels,
        TokenStatisticsOptions? options = null, long? vocabStride = null)
        where TStorage : unmanaged
    {
        int scored = batch * (time - (options ?? TokenStatisticsOptions.Default).Shift);
        int[] count = new int[batch];
        switch (logits)
        {
            case double[] f64:
            {
                double[][] o = Buffers<double>(scored, batch);
                context.TokenStatistics(f64, batch, time, vocab, labels, Outputs(o, count), options, vocabStride);
                return Widen(o, count);
            }

            case float[] f32:
            {
                float[][] o = Buffers<float>(scored, batch);
                context.TokenStatistics(f32, batch, time, vocab, labels, Outputs(o, count), options, vocabStride);
                return Widen(o, count);
            }

            case Half[] f16:
            {
                float[][] o = Buffers<float>(scored, batch);
                context.TokenStatistics(f16, batch, time, vocab, labels, Outputs(o, count), options, vocabStride);
                return Widen(o, count);
            }

            case BFloat16[] bf16:
            {
                float[][] o = Buffers<float>(scored, batch);
                context.TokenStatistics(bf16, batch, time, vocab, labels, Outputs(o, count), options, vocabStride);
                return Widen(o, count);
            }

            default:
                throw new NotSupportedException(typeof(TStorage).Name);
        }
    }

    private static T[][] Buffers<T>(int tokens, int batch) =>
        [new T[tokens], new T[tokens], new T[tokens], new T[batch], new T[batch], new T[batch]];

    private static TokenStatisticsOutputs<T> Outputs<T>(T[][] o, int[] count)
        where T : unmanaged => new()
    {
        TokenNll = o[0], TokenEntropy = o[1], TokenMsp = o[2],
        SequenceSumNll = o[3], SequenceMeanNll = o[4], SequencePerplexity = o[5], SequenceCount = count,
    };

    private static TokenValues Widen<T>(T[][] o, int[] count)
        where T : unmanaged
    {
        double[] W(int i) => o[i].Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new TokenValues(W(0), W(1), W(2), W(3), W(4), W(5), count);
    }
}

[Collection(BackendCollection.Name)]
public sealed class TokenStatisticsTests
{
    public static TheoryData<string> AllBackends => Backends.All;

    /// <summary>§1.8: f32 over V ≤ ~4k rows uses <see cref="Tolerance.F32"/>; LLM vocabularies (V ≥ 32k) <see cref="Tolerance.F32LongRows"/>.</summary>
    private static Tolerance F32For(int vocab) => vocab >= 32_000 ? Tolerance.F32LongRows : Tolerance.F32;

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ReferenceVectors_MatchNumpy(string backend) => Backends.With(backend, context =>
    {
        IReadOnlyList<ReferenceCase> cases = ReferenceCase.Load("token");
        Assert.NotEmpty(cases);
        foreach (ReferenceCase reference in cases)
        {
            IReadOnlyList<int> shape = reference.Input("logits").Shape;
            (int batch, int time, int vocab) = (shape[0], shape[1], shape[2]);
            int[] labels = reference.Input("labels").ToInt32("labels");
            var options = new TokenStatisticsOptions
            {
                Shift = reference.MetaInt("shift", 1),
                IgnoreIndex = reference.MetaInt("ignore_index", -100),
                Temperature = reference.MetaDouble("temperature", 1.0),
            };
            TokenValues actual = reference.DType == "bf16"
                ? TokenValues.Run(context, reference.Input("logits").Reinterpret<BFloat16>(), batch, time, vocab, labels, options)
                : TokenValues.Run(context, reference.Input("logits").As<float>(), batch, time, vocab, labels, options);

            // The references were computed in f64 from the exact stored values, so the f64 path on the widened
            // values must agree to f64 accuracy as well.
            TokenValues wide = TokenValues.Run(
                context, reference.Input("logits").ToFloat64(), batch, time, vocab, labels, options);
            foreach (string name in TokenValues.FloatOutputNames)
            {
                double[] expected = reference.Expected(name);
                F32For(vocab).AssertClose(expected, actual[name], $"{reference.Name}/{name} on {backend}");
                Tolerance.F64.AssertClose(expected, wide[name], $"{reference.Name}/{name} (f64) on {backend}");
            }

            Assert.Equal(reference.Input("seq_count").ToInt32("seq_count"), actual.SequenceCount);
            Assert.Equal(actual.SequenceCount, wide.SequenceCount);
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void LlmVocabulary_F32MatchesF64Oracle(string backend) => Backends.With(backend, context =>
    {
        // V = 32,000 (Llama-2), padded to a row stride of 32,064, bf16 and f32: §1.8's long-row tolerance.
        const int Batch = 2, Time = 2, Vocab = 32_000, Stride = 32_064;
        var random = new Random(32000);
        float[] logits = new float[(Batch * Time * Stride) - (Stride - Vocab)];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (i % Stride) < Vocab ? (float)(((random.NextDouble() * 2) - 1) * 12) : float.NaN;
        }

        int[] labels = [-100, 31_999, 7, -100];
        var options = new TokenStatisticsOptions { Shift = 0 };
        TokenValues actual = TokenValues.Run(context, logits, Batch, Time, Vocab, labels, options, Stride);
        BFloat16[] brains = logits.Select(v => (BFloat16)v).ToArray();
        TokenValues fromBf16 = TokenValues.Run(context, brains, Batch, Time, Vocab, labels, options, Stride);
        for (int token = 0; token < Batch * Time; token++)
        {
            double[] row = logits.AsSpan(token * Stride, Vocab).ToArray().Select(v => (double)v).ToArray();
            double[] rowBf16 = brains.AsSpan(token * Stride, Vocab).ToArray().Select(v => (double)v.ToSingle()).ToArray();
            int label = labels[token] < 0 ? -1 : labels[token];
            var expected = RowStatisticsOracle.Compute(row, label);
            var expectedBf16 = RowStatisticsOracle.Compute(rowBf16, label);
            Tolerance tolerance = F32For(Vocab);
            tolerance.AssertClose([expected.Nll, expected.Entropy, expected.Msp],
                [actual.TokenNll[token], actual.TokenEntropy[token], actual.TokenMsp[token]], $"token {token} f32");
            tolerance.AssertClose([expectedBf16.Nll, expectedBf16.Entropy, expectedBf16.Msp],
                [fromBf16.TokenNll[token], fromBf16.TokenEntropy[token], fromBf16.TokenMsp[token]], $"token {token} bf16");
        }

        Assert.Equal([1, 1], actual.SequenceCount);
        Assert.Equal(actual.TokenNll[1], actual.SequenceSumNll[0]);
        Assert.Equal(actual.TokenNll[2], actual.SequenceMeanNll[1]);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void TokenOutputs_EqualRowStatisticsOnTheSameRows(string backend) => Backends.With(backend, context =>
    {
        // Token (b, t) is row b·T + t scored against labels[b, t + shift]: the same pass, so bit-identical outputs.
        const int Batch = 3, Time = 5, Vocab = 37;
        var random = new Random(11);
        float[] logits = Enumerable.Range(0, Batch * Time * Vocab).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        int[] labels = Enumerable.Range(0, Batch * Time).Select(i => i % 4 == 1 ? -7 : random.Next(Vocab)).ToArray();
        foreach (int shift in new[] { 0, 1 })
        {
            foreach (double temperature in new[] { 1.0, 0.7 })
            {
                var options = new TokenStatisticsOptions { Shift = shift, IgnoreIndex = -7, Temperature = temperature };
                TokenValues tokens = TokenValues.Run(context, logits, Batch, Time, Vocab, labels, options);
                int[] rowLabels = new int[Batch * Time];
                for (int i = 0; i < rowLabels.Length; i++)
                {
                    rowLabels[i] = (i % Time) + shift < Time ? labels[i + shift] : -7;
                }

                RowStatisticsValues rows = RowStatisticsRunner.Run(
                    context, logits, new MatrixShape(Batch * Time, Vocab), rowLabels,
                    new RowStatisticsOptions { IgnoreIndex = -7, Temperature = temperature });
                int scored = Time - shift;
                for (int b = 0; b < Batch; b++)
                {
                    double sum = 0;
                    int count = 0;
                    for (int t = 0; t < scored; t++)
                    {
                        int row = (b * Time) + t, token = (b * scored) + t;
                        Assert.Equal(rows.Nll[row], tokens.TokenNll[token]);
                        Assert.Equal(rows.Entropy[row], tokens.TokenEntropy[token]);
                        Assert.Equal(rows.Msp[row], tokens.TokenMsp[token]);
                        if (rowLabels[row] != -7)
                        {
                            sum += rows.Nll[row];
                            count++;
                        }
                    }

                    Assert.Equal(count, tokens.SequenceCount[b]);
                    Assert.Equal((float)sum, tokens.SequenceSumNll[b]);
                    Assert.Equal((float)(sum / count), tokens.SequenceMeanNll[b]);
                    Assert.Equal((float)Math.Exp(sum / count), tokens.SequencePerplexity[b]);
                }
            }
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ShiftOne_EqualsShiftZeroOnShiftedLabels(string backend) => Backends.With(backend, context =>
    {
        // shift = 1 on (logits[:, :T], labels[:, :T]) ≡ shift = 0 on (logits[:, :T−1], labels[:, 1:]).
        const int Batch = 2, Time = 4, Vocab = 9;
        var random = new Random(5);
        double[] logits = Enumerable.Range(0, Batch * Time * Vocab).Select(_ => (random.NextDouble() * 8) - 4).ToArray();
        int[] labels = Enumerable.Range(0, Batch * Time).Select(i => i == 6 ? -100 : random.Next(Vocab)).ToArray();
        TokenValues shifted = TokenValues.Run(context, logits, Batch, Time, Vocab, labels);
        double[] truncated = Enumerable.Range(0, Batch)
            .SelectMany(b => logits.Skip(b * Time * Vocab).Take((Time - 1) * Vocab)).ToArray();
        int[] nextLabels = Enumerable.Range(0, Batch).SelectMany(b => labels.Skip((b * Time) + 1).Take(Time - 1)).ToArray();
        TokenValues plain = TokenValues.Run(
            context, truncated, Batch, Time - 1, Vocab, nextLabels, new TokenStatisticsOptions { Shift = 0 });
        foreach (string name in TokenValues.FloatOutputNames)
        {
            Assert.Equal(plain[name], shifted[name]);
        }

        Assert.Equal(plain.SequenceCount, shifted.SequenceCount);
        Assert.Equal([3, 2], shifted.SequenceCount);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void AllIgnoredSequence_HasCountZero_SumZero_MeanAndPerplexityNaN(string backend) => Backends.With(backend, context =>
    {
        const int Batch = 3, Time = 3, Vocab = 6;
        float[] logits = Enumerable.Range(0, Batch * Time * Vocab).Select(i => (float)Math.Sin(i)).ToArray();
        int[] labels = [-100, 1, 2, /* only the unscored first label is valid: */ 4, -100, -100, -100, 5, -100];
        TokenValues values = TokenValues.Run(context, logits, Batch, Time, Vocab, labels);
        Assert.Equal([2, 0, 1], values.SequenceCount);
        Assert.Equal(0.0, values.SequenceSumNll[1]);
        Assert.True(double.IsNaN(values.SequenceMeanNll[1]));
        Assert.True(double.IsNaN(values.SequencePerplexity[1]));
        Assert.True(double.IsNaN(values.TokenNll[2]) && double.IsNaN(values.TokenNll[3]));
        Assert.False(double.IsNaN(values.TokenEntropy[2]) || double.IsNaN(values.TokenMsp[3]), "entropy/MSP at every scored position");
        Assert.Equal(values.TokenNll[4], values.SequenceMeanNll[2]);
        Assert.Equal((float)(values.TokenNll[0] + values.TokenNll[1]), values.SequenceSumNll[0]);
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void InvalidRows_AreNaN_AndDoNotCorruptOtherTokensOrSequences(string backend) => Backends.With(backend, context =>
    {
        const int Batch = 3, Time = 3, Vocab = 4;
        float[] logits = Enumerable.Range(0, Batch * Time * Vocab).Select(i => (float)(i % 5)).ToArray();
        logits[(0 * Vocab) + 2] = float.NaN;                  // token (0, 0), label valid ⇒ sequence 0 NaN
        logits[(3 * Vocab) + 1] = float.PositiveInfinity;     // token (1, 0), label ignored ⇒ sequence 1 intact
        logits[(6 * Vocab) + 3] = float.NegativeInfinity;     // token (2, 0), label on it ⇒ NLL +∞
        int[] labels = [-100, 1, 2, -100, -100, 0, -100, 3, 1];
        TokenValues values = TokenValues.Run(context, logits, Batch, Time, Vocab, labels);
        Assert.True(double.IsNaN(values.TokenNll[0]) && double.IsNaN(values.TokenEntropy[0]) && double.IsNaN(values.TokenMsp[0]));
        Assert.True(double.IsNaN(values.SequenceSumNll[0]) && double.IsNaN(values.SequencePerplexity[0]));
        Assert.Equal(2, values.SequenceCount[0]);
        Assert.True(double.IsNaN(values.TokenEntropy[2]));
        Assert.False(double.IsNaN(values.SequenceSumNll[1]));
        Assert.Equal(values.TokenNll[3], values.SequenceSumNll[1]);
        Assert.Equal(double.PositiveInfinity, values.TokenNll[4]);
        Assert.Equal(double.PositiveInfinity, values.SequencePerplexity[2]);
        Assert.False(double.IsNaN(values.TokenNll[1]) || double.IsNaN(values.TokenNll[5]));
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void VocabStride_ReadsOnlyTheViewedColumns(string backend) => Backends.With(backend, context =>
    {
        const int Batch = 2, Time = 3, Vocab = 5, Stride = 8;
        float[] padded = new float[(((Batch * Time) - 1) * Stride) + Vocab];
        Array.Fill(padded, float.NaN);
        float[] dense = new float[Batch * Time * Vocab];
        for (int r = 0; r < Batch * Time; r++)
        {
            for (int c = 0; c < Vocab; c++)
            {
                padded[(r * Stride) + c] = dense[(r * Vocab) + c] = (r * 0.25f) - c;
            }
        }

        int[] labels = [0, 1, 2, 3, 4, 0];
        TokenValues strided = TokenValues.Run(context, padded, Batch, Time, Vocab, labels, vocabStride: Stride);
        TokenValues reference = TokenValues.Run(context, dense, Batch, Time, Vocab, labels);
        foreach (string name in TokenValues.FloatOutputNames)
        {
            Assert.Equal(reference[name], strided[name]);
            Assert.DoesNotContain(strided[name], double.IsNaN);
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void HalfAndBFloat16_MatchF32OnTheSameValues(string backend) => Backends.With(backend, context =>
    {
        const int Batch = 2, Time = 4, Vocab = 23;
        var random = new Random(3);
        Half[] halves = Enumerable.Range(0, Batch * Time * Vocab).Select(_ => (Half)((random.NextDouble() * 20) - 10)).ToArray();
        BFloat16[] brains = halves.Select(h => (BFloat16)(float)h).ToArray();
        int[] labels = [-100, 3, 22, 0, -100, -100, 7, 9];
        TokenValues fromHalf = TokenValues.Run(context, halves, Batch, Time, Vocab, labels);
        TokenValues fromF32OfHalf = TokenValues.Run(context, halves.Select(h => (float)h).ToArray(), Batch, Time, Vocab, labels);
        TokenValues fromBf16 = TokenValues.Run(context, brains, Batch, Time, Vocab, labels);
        TokenValues fromF32OfBf16 = TokenValues.Run(context, brains.Select(b => b.ToSingle()).ToArray(), Batch, Time, Vocab, labels);
        foreach (string name in TokenValues.FloatOutputNames)
        {
            Assert.Equal(fromF32OfHalf[name], fromHalf[name]);
            Assert.Equal(fromF32OfBf16[name], fromBf16[name]);
        }
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void EntropyAndMsp_NeedNoLabels(string backend) => Backends.With(backend, context =>
    {
        const int Batch = 2, Time = 3, Vocab = 4;
        float[] logits = Enumerable.Range(0, Batch * Time * Vocab).Select(i => (float)(i % 3)).ToArray();
        float[] entropy = new float[Batch * (Time - 1)];
        float[] msp = new float[Batch * (Time - 1)];
        context.TokenStatistics(logits, Batch, Time, Vocab, [], new TokenStatisticsOutputs<float> { TokenEntropy = entropy, TokenMsp = msp });
        TokenValues all = TokenValues.Run(context, logits, Batch, Time, Vocab, new int[Batch * Time]);
        Assert.Equal(all.TokenEntropy, entropy.Select(v => (double)v));
        Assert.Equal(all.TokenMsp, msp.Select(v => (double)v));
    });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Properties_ShiftInvariance_Bounds_AndSequenceConsistency(string backend)
    {
        // Adding a constant to every logit of a token leaves NLL, entropy and MSP unchanged (f64 path); entropy is in
        // [0, ln V], NLL ≥ −ln MSP, and the sequence mean is the mean of the valid token NLLs.
        Gen<(int Time, int Vocab, double[] Logits, int[] Labels, double Offset)> samples =
            from time in Gen.Choose(2, 5)
            from vocab in Gen.Choose(1, 40)
            from logits in Gen.ArrayOf(Gen.Choose(-300, 300).Select(v => v / 20.0), 2 * time * vocab)
            from labels in Gen.ArrayOf(Gen.Choose(-1, vocab - 1).Select(v => v < 0 ? -100 : v), 2 * time)
            from offset in Gen.Elements(1000.0, -1000.0, 0.5)
            select (time, vocab, logits, labels, offset);
        Prop.ForAll(samples.ToArbitrary(), sample =>
        {
            bool holds = true;
            Backends.With(backend, context =>
            {
                (int time, int vocab, double[] logits, int[] labels, double offset) = sample;
                TokenValues values = TokenValues.Run(context, logits, 2, time, vocab, labels);
                TokenValues moved = TokenValues.Run(context, logits.Select(v => v + offset).ToArray(), 2, time, vocab, labels);
                for (int i = 0; i < values.TokenNll.Length; i++)
                {
                    holds &= values.TokenEntropy[i] >= -1e-12 && values.TokenEntropy[i] <= Math.Log(vocab) + 1e-12;
                    holds &= Math.Abs(moved.TokenEntropy[i] - values.TokenEntropy[i]) < 1e-9;
                    holds &= Math.Abs(moved.TokenMsp[i] - values.TokenMsp[i]) < 1e-12;
                    holds &= double.IsNaN(values.TokenNll[i])
                        ? double.IsNaN(moved.TokenNll[i])
                        : Math.Abs(moved.TokenNll[i] - values.TokenNll[i]) < 1e-9
                            && values.TokenNll[i] >= -Math.Log(values.TokenMsp[i]) - 1e-12;
                }

                for (int b = 0; b < 2; b++)
                {
                    double[] valid = values.TokenNll.Skip(b * (time - 1)).Take(time - 1).Where(v => !double.IsNaN(v)).ToArray();
                    holds &= values.SequenceCount[b] == valid.Length;
                    holds &= valid.Length == 0
                        ? values.SequenceSumNll[b] == 0 && double.IsNaN(values.SequenceMeanNll[b])
                        : Math.Abs(values.SequenceMeanNll[b] - valid.Average()) < 1e-12
                            && Math.Abs(values.SequencePerplexity[b] - Math.Exp(valid.Average())) < 1e-9 * values.SequencePerplexity[b];
                }
            });
            return holds;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Backends.IsSlow(backend) ? 10 : 100).WithQuietOnSuccess(true));
    }

    [Fact]
    public void BadInput_IsRejected_WithTheArgumentNamed() => Backends.With("cpu", context =>
    {
        const int Batch = 2, Time = 3, Vocab = 4;
        float[] logits = new float[Batch * Time * Vocab];
        int[] labels = new int[Batch * Time];
        float[] nll = new float[Batch * Time];
        string? Run(
            int batch = Batch, int time = Time, int vocab = Vocab, int[]? labelsOverride = null, float[]? logitsOverride = null,
            TokenStatisticsOptions? options = null, long? stride = null, float[]? nllOverride = null, bool noOutputs = false)
        {
            try
            {
                var outputs = noOutputs ? default : new TokenStatisticsOutputs<float> { TokenNll = nllOverride ?? nll };
                context.TokenStatistics(
                    logitsOverride ?? logits, batch, time, vocab, labelsOverride ?? labels, outputs, options, stride);
                return null;
            }
            catch (ArgumentException e)
            {
                return $"{e.GetType().Name}:{e.ParamName}";
            }
        }

        Assert.Null(Run());
        Assert.Equal("ArgumentOutOfRangeException:Shift", Run(options: new() { Shift = 2 }));
        Assert.Equal("ArgumentOutOfRangeException:Shift", Run(options: new() { Shift = -1 }));
        Assert.Equal("ArgumentOutOfRangeException:Temperature", Run(options: new() { Temperature = 0 }));
        Assert.Equal("ArgumentOutOfRangeException:time", Run(time: 1, labelsOverride: new int[Batch]));
        Assert.Equal("ArgumentOutOfRangeException:time", Run(time: 0, labelsOverride: []));
        Assert.Null(Run(time: 1, labelsOverride: new int[Batch], options: new() { Shift = 0 }));
        Assert.Equal("ArgumentOutOfRangeException:batch", Run(batch: 0));
        Assert.Equal("ArgumentOutOfRangeException:vocab", Run(vocab: 0));
        Assert.Equal("ArgumentOutOfRangeException:vocabStride", Run(stride: Vocab - 1));
        Assert.Equal("ArgumentException:logits", Run(logitsOverride: new float[(Batch * Time * Vocab) - 1]));
        Assert.Equal("ArgumentException:logits", Run(stride: Vocab + 1));
        Assert.Equal("ArgumentException:labels", Run(labelsOverride: new int[Batch * (Time - 1)]));
        Assert.Equal("ArgumentException:labels", Run(labelsOverride: new int[(Batch * Time) + 1]));
        Assert.Equal("ArgumentException:labels", Run(labelsOverride: []));
        Assert.Equal("ArgumentOutOfRangeException:labels", Run(labelsOverride: [0, 1, 2, 3, Vocab, 0]));
        Assert.Equal("ArgumentOutOfRangeException:labels", Run(labelsOverride: [0, 1, 2, -1, 0, 0]));
        Assert.Equal("ArgumentException:outputs", Run(noOutputs: true));
        Assert.Equal("ArgumentException:outputs.TokenNll", Run(nllOverride: new float[(Batch * (Time - 1)) - 1]));
        Assert.Equal("ArgumentException:outputs.SequenceCount", Assert.Throws<ArgumentException>(() =>
            context.TokenStatistics(logits, Batch, Time, Vocab, labels, new TokenStatisticsOutputs<float> { SequenceCount = new int[1] }))
            .ParamName is { } name ? $"ArgumentException:{name}" : null);
    });
}
