using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary><c>uq_calibration</c> and <c>uq_calibration_f32</c> (ECE / MCE and binary scores).</summary>
internal static unsafe class CalibrationExports
{
    [UnmanagedCallersOnly(EntryPoint = "uq_calibration")]
    public static int Calibration(
        nint context, DLTensor* confidence, DLTensor* correct, CalibrationOptionsAbi* options, CalibrationResultAbi* result, CalibrationBinsAbi* bins)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            AbiStruct.CheckWritable(result, nameof(result));
            CalibrationOptionsAbi o = AbiStruct.ReadOptions(options, CalibrationOptionsAbi.Default, nameof(options));
            CalibrationBinsAbi? perBin = bins == null ? null : AbiStruct.ReadRequired(bins, nameof(bins));
            CalibrationResult r = Run(scope, context, confidence, correct, o, perBin is not null);
            if (perBin is { } b)
            {
                WriteBins(scope, b, r);
            }

            AbiStruct.Write(result, ToAbi(r), nameof(result));
            scope.Commit();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "uq_calibration_f32")]
    public static int CalibrationF32(nint context, float* confidence, float* correct, long n, int bins, double* ece, double* mce)
    {
        try
        {
            LastError.Clear();
            using CallScope scope = CallScope.Enter();
            FlatTensor.RequireResult(ece, nameof(ece));
            FlatTensor.RequireResult(mce, nameof(mce));
            long* shape = stackalloc long[] { n };
            DLTensor k = FlatTensor.Dense(confidence, ElementType.F32, shape, 1);
            DLTensor c = FlatTensor.Dense(correct, ElementType.F32, shape, 1);
            CalibrationResult r = Run(scope, context, &k, &c, CalibrationOptionsAbi.Default with { Bins = bins }, includeBins: false);
            *ece = r.Ece;
            *mce = r.Mce;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Set(e);
        }
    }

    private static CalibrationResult Run(
        CallScope scope, nint context, DLTensor* confidence, DLTensor* correct, in CalibrationOptionsAbi options, bool includeBins)
    {
        UqContext uq = ContextHandle.Get(context);
        TensorView k = TensorView.Input(confidence, nameof(confidence), 1, "[N]", ElementType.Real);
        TensorView c = TensorView.Input(correct, nameof(correct), 1, "[N]", ElementType.Real);
        if (c.Type != k.Type)
        {
            throw new UnsupportedDtypeException("correct must have the dtype of confidence.", nameof(correct));
        }

        var managed = new CalibrationOptions
        {
            Bins = options.Bins,
            Binning = (CalibrationBinning)options.Binning,
            IncludeBins = includeBins,
        };
        return k.Type == ElementType.F32
            ? uq.Calibration(scope.Input<float>(k), scope.Input<float>(c), managed)
            : uq.Calibration(scope.Input<double>(k), scope.Input<double>(c), managed);
    }

    /// <summary>Validates all three per-bin tensors before writing any.</summary>
    private static void WriteBins(CallScope scope, in CalibrationBinsAbi bins, CalibrationResult result)
    {
        int count = result.BinCounts!.Count;
        TensorView counts = TensorView.Output(bins.Counts, "bins->counts", ElementType.I64, count);
        TensorView confidence = TensorView.Output(bins.Confidence, "bins->confidence", ElementType.F64, count);
        TensorView accuracy = TensorView.Output(bins.Accuracy, "bins->accuracy", ElementType.F64, count);
        Span<long> n = scope.Output<long>(counts);
        Span<double> conf = scope.Output<double>(confidence);
        Span<double> acc = scope.Output<double>(accuracy);
        for (int i = 0; i < count; i++)
        {
            if (!n.IsEmpty)
            {
                n[i] = result.BinCounts[i];
            }

            if (!conf.IsEmpty)
            {
                conf[i] = result.BinConfidence![i];
            }

            if (!acc.IsEmpty)
            {
                acc[i] = result.BinAccuracy![i];
            }
        }
    }

    private static CalibrationResultAbi ToAbi(CalibrationResult r) => new()
    {
        Bins = r.Bins,
        Ece = r.Ece,
        Mce = r.Mce,
        BinaryLogProb = r.BinaryLogProb,
        BinaryBrier = r.BinaryBrier,
        Count = r.Count,
    };
}
