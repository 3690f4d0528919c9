using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary><c>uqk eval ece</c>: expected / maximum calibration error and the binary proper scores of a confidence.</summary>
internal sealed class CalibrationEval : EvalKernel
{
    public override string Name => "ece";

    public override string Summary => "ECE / MCE (equal-width bins) and binary log-prob / Brier of confidences vs correctness";

    public override string ReferenceFamily => "ece";

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("confidence", "[N] f32 or f64 in [0, 1]"),
        new("correct", "[N] correctness in [0, 1] (0/1 or soft; bool/int accepted)"),
    ];

    public override IReadOnlyList<EvalOption> Options { get; } =
    [
        new("bins", "number of equal-width bins", "15"),
        new("binning", "untangle (right-closed, clamped), torchmetrics (left-closed, extra bin at 1.0) or guo", "untangle"),
    ];

    public override IReadOnlyList<string> Outputs { get; } = ["ece", "mce", "binary_log_prob", "binary_brier"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray confidence = RequireFloat(arguments.RequiredInput("confidence"), "confidence");
        double[] correct = arguments.RequiredInput("correct").ToFloat64();
        var options = new CalibrationOptions
        {
            Bins = arguments.Int("bins", 15),
            Binning = arguments.Text("binning") switch
            {
                null or "untangle" => CalibrationBinning.Untangle,
                "torchmetrics" => CalibrationBinning.TorchMetrics,
                "guo" => CalibrationBinning.Guo,
                string other => throw new UsageException($"--binning must be untangle, torchmetrics or guo, not '{other}'."),
            },
        };
        CalibrationResult result = confidence.DType == NpyDType.Float64
            ? context.Calibration(confidence.As<double>(), correct, options)
            : context.Calibration(confidence.As<float>(), correct.Select(v => (float)v).ToArray(), options);
        return new Dictionary<string, NpyArray>
        {
            ["ece"] = NpyArray.Create<double>([result.Ece], 1),
            ["mce"] = NpyArray.Create<double>([result.Mce], 1),
            ["binary_log_prob"] = NpyArray.Create<double>([result.BinaryLogProb], 1),
            ["binary_brier"] = NpyArray.Create<double>([result.BinaryBrier], 1),
        };
    }
}
