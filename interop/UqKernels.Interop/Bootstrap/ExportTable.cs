using System.Runtime.InteropServices;

namespace UqKernels.Interop;

/// <summary>
/// The hosted shim's function table. The shim (interop/shim/uqkernels_shim.c) boots the runtime once, calls
/// <see cref="Bootstrap"/> through hostfxr and forwards every <c>uq_</c> function through the pointers written here.
/// The order is the order of <c>UQ_FUNCTIONS</c> in interop/include/uqkernels.h, which is append-only; a test
/// compares <see cref="Names"/> with the header, and every entry's name and method sit on one line.
/// </summary>
internal static unsafe class ExportTable
{
    /// <summary>The function names in table order.</summary>
    public static IReadOnlyList<string> Names => [.. Entries().Select(e => e.Name)];

    /// <summary>
    /// Fills <paramref name="table"/> with up to <paramref name="capacity"/> pointers and returns the number of
    /// functions this library has (≥ what the shim expects when the versions agree), or −1 when the shim was built
    /// for another ABI major version.
    /// </summary>
    [UnmanagedCallersOnly]
    public static int Bootstrap(uint abiVersion, nint* table, int capacity)
    {
        try
        {
            if (abiVersion >> 16 != BaseExports.AbiMajor || table == null)
            {
                return -1;
            }

            (string Name, nint Pointer)[] entries = Entries();
            for (int i = 0; i < Math.Min(capacity, entries.Length); i++)
            {
                table[i] = entries[i].Pointer;
            }

            return entries.Length;
        }
        catch (Exception e)
        {
            return -LastError.Set(e) - 1;
        }
    }

    private static (string Name, nint Pointer)[] Entries() =>
    [
        ("uq_get_version", (nint)(delegate* unmanaged<uint>)&BaseExports.GetVersion),
        ("uq_status_string", (nint)(delegate* unmanaged<int, byte*>)&BaseExports.StatusString),
        ("uq_last_error_message", (nint)(delegate* unmanaged<byte*>)&BaseExports.LastErrorMessage),
        ("uq_context_create", (nint)(delegate* unmanaged<ContextOptionsAbi*, nint*, int>)&ContextExports.Create),
        ("uq_context_destroy", (nint)(delegate* unmanaged<nint, int>)&ContextExports.Destroy),
        ("uq_context_get_info", (nint)(delegate* unmanaged<nint, ContextInfoAbi*, int>)&ContextExports.GetInfo),
        ("uq_row_statistics", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, RowStatisticsOptionsAbi*, RowStatisticsOutputsAbi*, int>)&RowStatisticsExports.RowStatistics),
        ("uq_entropy_f32", (nint)(delegate* unmanaged<nint, float*, long, long, float*, int>)&RowStatisticsExports.EntropyF32),
        ("uq_soft_target_cross_entropy", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, DLTensor*, int>)&SoftTargetExports.SoftTargetCrossEntropy),
        ("uq_soft_target_cross_entropy_f32", (nint)(delegate* unmanaged<nint, float*, float*, long, long, float*, int>)&SoftTargetExports.SoftTargetCrossEntropyF32),
        ("uq_token_statistics", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, TokenStatisticsOptionsAbi*, TokenStatisticsOutputsAbi*, int>)&TokenStatisticsExports.TokenStatistics),
        ("uq_ensemble_decomposition", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, EnsembleOptionsAbi*, EnsembleOutputsAbi*, int>)&EnsembleExports.EnsembleDecomposition),
        ("uq_calibration", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, CalibrationOptionsAbi*, CalibrationResultAbi*, CalibrationBinsAbi*, int>)&CalibrationExports.Calibration),
        ("uq_calibration_f32", (nint)(delegate* unmanaged<nint, float*, float*, long, int, double*, double*, int>)&CalibrationExports.CalibrationF32),
        ("uq_semantic_entropy", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, DLTensor*, SemanticEntropyOptionsAbi*, SemanticEntropyOutputsAbi*, int>)&SemanticEntropyExports.SemanticEntropy),
        ("uq_von_mises_fisher", (nint)(delegate* unmanaged<nint, DLTensor*, int, DLTensor*, VmfOutputsAbi*, int>)&VmfExports.VonMisesFisher),
        ("uq_vmf_entropy_f64", (nint)(delegate* unmanaged<nint, double*, long, int, double*, int>)&VmfExports.EntropyF64),
        ("uq_auroc", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, int, RankingResultAbi*, int>)&RankingExports.Auroc),
        ("uq_auroc_f32", (nint)(delegate* unmanaged<nint, float*, byte*, long, double*, double*, int>)&RankingExports.AurocF32),
        ("uq_auroc_columns", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, int, int, RankingBatchOutputsAbi*, RankingAveragesAbi*, int>)&RankingBatchExports.AurocColumns),
        ("uq_spearman", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, int, int, CorrelationResultAbi*, int>)&CorrelationExports.Spearman),
        ("uq_pearson", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, int, CorrelationResultAbi*, int>)&CorrelationExports.Pearson),
        ("uq_selective_prediction", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, SelectivePredictionOptionsAbi*, SelectivePredictionResultAbi*, SelectiveCoverageAbi*, int>)&SelectivePredictionExports.SelectivePrediction),
        ("uq_auroc_one_vs_rest", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, int, int, RankingBatchOutputsAbi*, RankingAveragesAbi*, int>)&RankingBatchExports.AurocOneVsRest),
        ("uq_auroc_segments", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, DLTensor*, int, int, RankingBatchOutputsAbi*, RankingAveragesAbi*, int>)&RankingBatchExports.AurocSegments),
        ("uq_recall_at_one", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, DLTensor*, int, RecallAtOneOutputsAbi*, RecallAtOneResultAbi*, int>)&RecallAtOneExports.RecallAtOne),
        ("uq_vmf_kl_divergence", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, DLTensor*, DLTensor*, DLTensor*, int, VmfKlOutputsAbi*, int>)&VmfPairExports.KlDivergence),
        ("uq_vmf_expected_likelihood_kernel", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, DLTensor*, DLTensor*, DLTensor*, int, double, DLTensor*, int>)&VmfPairExports.ExpectedLikelihoodKernel),
        ("uq_vmf_log_density", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, DLTensor*, DLTensor*, int, VmfLogDensityOutputsAbi*, int>)&VmfPairExports.LogDensity),
        ("uq_vmf_sample", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, VmfSampleOptionsAbi*, VmfSampleOutputsAbi*, int>)&VmfSampleExports.Sample),
        ("uq_vmf_sample_backward", (nint)(delegate* unmanaged<nint, DLTensor*, DLTensor*, VmfSampleOptionsAbi*, DLTensor*, int, VmfSampleGradientsAbi*, int>)&VmfSampleExports.SampleBackward),
    ];
}
