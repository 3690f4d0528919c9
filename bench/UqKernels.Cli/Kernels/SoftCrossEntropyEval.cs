using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary><c>uqk eval soft-ce</c>: cross-entropy against soft targets, <c>−Σ_c t_c log p_c</c>.</summary>
internal sealed class SoftCrossEntropyEval : EvalKernel
{
    public override string Name => "soft-ce";

    public override string Summary => "soft-target cross-entropy of logits [B,C] against target distributions [B,C]";

    public override string ReferenceFamily => "soft";

    public override IReadOnlyList<EvalInput> Inputs { get; } =
    [
        new("logits", "[B,C] f32 or f64"),
        new("targets", "[B,C] target distributions, same dtype, non-negative"),
    ];

    public override IReadOnlyList<string> Outputs { get; } = ["soft_ce"];

    public override IReadOnlyDictionary<string, NpyArray> Run(UqContext context, EvalArguments arguments)
    {
        NpyArray logits = RequireFloat(arguments.RequiredInput("logits"), "logits");
        NpyArray targets = RequireFloat(arguments.RequiredInput("targets"), "targets");
        int[] dims = Dimensions(logits, 2, "logits");
        var shape = new MatrixShape(dims[0], dims[1]);
        if (logits.DType == NpyDType.Float64)
        {
            double[] result = new double[shape.Rows];
            context.SoftTargetCrossEntropy(logits.As<double>(), targets.ToFloat64(), shape, result);
            return new Dictionary<string, NpyArray> { ["soft_ce"] = NpyArray.Create<double>(result, shape.Rows) };
        }

        float[] single = new float[shape.Rows];
        context.SoftTargetCrossEntropy(
            logits.As<float>(), targets.ToFloat64().Select(v => (float)v).ToArray(), shape, single);
        return new Dictionary<string, NpyArray> { ["soft_ce"] = NpyArray.Create<float>(single, shape.Rows) };
    }
}
