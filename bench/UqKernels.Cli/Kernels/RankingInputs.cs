using UqKernels.IO;

namespace UqKernels.Cli.Kernels;

/// <summary>Reading the inputs shared by the ranking eval kernels.</summary>
internal static class RankingInputs
{
    /// <summary>Binary labels from bool / uint8 / int arrays; anything but 0 and 1 is an error naming the argument.</summary>
    public static byte[] BinaryLabels(NpyArray array, string name)
    {
        int[] values = array.ToInt32(name);
        byte[] labels = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            labels[i] = values[i] switch
            {
                0 => 0,
                1 => 1,
                int other => throw new ArgumentOutOfRangeException(name, $"{name}[{i}] = {other}; labels must be 0 or 1."),
            };
        }

        return labels;
    }

    /// <summary>The <c>--nan-policy</c> option: error (default), propagate or omit.</summary>
    public static NanPolicy NanPolicy(EvalArguments arguments) => arguments.Text("nan-policy") switch
    {
        null or "error" => UqKernels.NanPolicy.Error,
        "propagate" => UqKernels.NanPolicy.Propagate,
        "omit" => UqKernels.NanPolicy.Omit,
        string other => throw new UsageException($"--nan-policy must be error, propagate or omit, not '{other}'."),
    };

    public static EvalOption NanPolicyOption { get; } = new("nan-policy", "NaN scores: error, propagate (result NaN) or omit", "error");

    /// <summary>The per-segment outputs of a batched AUROC call.</summary>
    public static Dictionary<string, NpyArray> Outputs(RankingBatchResult result) => new()
    {
        ["auroc"] = NpyArray.Create<double>(result.Auroc, result.Count),
        ["ap"] = NpyArray.Create<double>(result.AveragePrecision, result.Count),
        ["twice_u"] = NpyArray.Create<long>(result.NumeratorTwiceU, result.Count),
        ["n_pos"] = NpyArray.Create<long>(result.Positives, result.Count),
        ["n_neg"] = NpyArray.Create<long>(result.Negatives, result.Count),
        ["status"] = NpyArray.Create<int>(result.Status.Select(s => (int)s).ToArray(), result.Count),
    };
}
