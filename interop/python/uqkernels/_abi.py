"""ctypes mirrors of interop/include/uqkernels.h and dlpack.h, and the library loader (argtypes/restype for every
function). The high-level API is in uqkernels/__init__.py."""
import ctypes
import ctypes.util
import os
from ctypes import POINTER, c_char, c_char_p, c_double, c_float, c_int32, c_int64, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p

UQ_ABI_VERSION_MAJOR = 1
UQ_ABI_VERSION_MINOR = 1
UQ_ABI_VERSION = (UQ_ABI_VERSION_MAJOR << 16) | UQ_ABI_VERSION_MINOR

UQ_OK = 0
UQ_ERR_INVALID_ARGUMENT = 1
UQ_ERR_UNSUPPORTED_DTYPE = 2
UQ_ERR_DEVICE_UNAVAILABLE = 3
UQ_ERR_RUNTIME_UNAVAILABLE = 4
UQ_ERR_OUT_OF_MEMORY = 5
UQ_ERR_INTERNAL = 6

BACKENDS = {"auto": 0, "cpu": 1, "ilgpu-cpu": 2, "cuda": 3, "opencl": 4}
BACKEND_NAMES = {value: name for name, value in BACKENDS.items()}
NAN_POLICIES = {"error": 0, "propagate": 1, "omit": 2}
BINNINGS = {"untangle": 0, "torchmetrics": 1, "guo": 2}
RANKING_STATUS = {0: "ok", 1: "one_class", 2: "nan_propagated"}

kDLCPU = 1
kDLInt, kDLUInt, kDLFloat, kDLBfloat, kDLBool = 0, 1, 2, 4, 6


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", c_int32), ("device_id", c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", c_uint8), ("bits", c_uint8), ("lanes", c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", c_void_p),
        ("device", DLDevice),
        ("ndim", c_int32),
        ("dtype", DLDataType),
        ("shape", POINTER(c_int64)),
        ("strides", POINTER(c_int64)),
        ("byte_offset", c_uint64),
    ]


class DLManagedTensor(ctypes.Structure):
    pass


DLManagedTensor._fields_ = [
    ("dl_tensor", DLTensor),
    ("manager_ctx", c_void_p),
    ("deleter", ctypes.CFUNCTYPE(None, POINTER(DLManagedTensor))),
]

PTensor = POINTER(DLTensor)


def _sized(name, fields):
    """A size-prefixed ABI struct: `struct_size` first, then `fields`."""
    return type(name, (ctypes.Structure,), {"_fields_": [("struct_size", c_uint32)] + fields})


def _outputs(name, names):
    return _sized(name, [("reserved", c_uint32)] + [(n, PTensor) for n in names])


ContextOptions = _sized("ContextOptions", [("backend", c_int32), ("device_id", c_int32)])
ContextInfo = _sized("ContextInfo", [("backend", c_int32), ("device_id", c_int32), ("reserved", c_int32),
                                     ("device_name", c_char * 128)])
RowStatisticsOptions = _sized("RowStatisticsOptions", [("ignore_index", c_int32), ("temperature", c_double),
                                                       ("top_k", c_int32), ("reserved", c_int32),
                                                       ("label_smoothing", c_double)])
ROW_OUTPUTS = ["lse", "entropy", "msp", "probability_margin", "logit_margin", "nll", "brier", "top1_correct",
               "topk_correct", "label_smoothed_cross_entropy", "argmax"]
RowStatisticsOutputs = _outputs("RowStatisticsOutputs", ROW_OUTPUTS)
TokenStatisticsOptions = _sized("TokenStatisticsOptions", [("shift", c_int32), ("ignore_index", c_int32),
                                                           ("reserved", c_int32), ("temperature", c_double)])
TOKEN_OUTPUTS = ["token_nll", "token_entropy", "token_msp", "sequence_sum_nll", "sequence_mean_nll",
                 "sequence_perplexity", "sequence_count"]
TokenStatisticsOutputs = _outputs("TokenStatisticsOutputs", TOKEN_OUTPUTS)
EnsembleOptions = _sized("EnsembleOptions", [("layout", c_int32), ("ignore_index", c_int32), ("reserved", c_int32),
                                             ("temperature", c_double)])
ENSEMBLE_OUTPUTS = ["total", "aleatoric", "epistemic_kl", "epistemic_difference", "dual_entropy", "bregman",
                    "expected_msp", "msp_bma", "msp_dual", "variance_probabilities", "variance_logits", "nll_bma",
                    "nll_dual", "argmax_bma"]
EnsembleOutputs = _outputs("EnsembleOutputs", ENSEMBLE_OUTPUTS)
CalibrationOptions = _sized("CalibrationOptions", [("bins", c_int32), ("binning", c_int32)])
CalibrationResult = _sized("CalibrationResult", [("bins", c_int32), ("ece", c_double), ("mce", c_double),
                                                 ("binary_log_prob", c_double), ("binary_brier", c_double),
                                                 ("count", c_int64)])
CalibrationBins = _outputs("CalibrationBins", ["counts", "confidence", "accuracy"])
SemanticEntropyOptions = _sized("SemanticEntropyOptions", [("reserved", c_int32),
                                                           ("kuhn_log_likelihood_shift", c_double)])
SEMANTIC_OUTPUTS = ["rao", "discrete", "kuhn", "naive_predictive"]
SemanticEntropyOutputs = _outputs("SemanticEntropyOutputs", SEMANTIC_OUTPUTS)
VMF_OUTPUTS = ["log_normalizer", "log_normalizer_delta", "scaled_log_normalizer", "mean_resultant_length",
               "one_minus_mean_resultant_length", "mean_resultant_length_derivative", "entropy", "kl_to_uniform",
               "entropy_derivative", "kl_to_uniform_derivative"]
VmfOutputs = _outputs("VmfOutputs", VMF_OUTPUTS)
RankingResult = _sized("RankingResult", [("status", c_int32), ("auroc", c_double), ("average_precision", c_double),
                                         ("positives", c_int64), ("negatives", c_int64),
                                         ("numerator_twice_u", c_int64)])

RANKING_BATCH_OUTPUTS = ["auroc", "average_precision", "positives", "negatives", "numerator_twice_u", "status"]
RankingBatchOutputs = _outputs("RankingBatchOutputs", RANKING_BATCH_OUTPUTS)
RankingAverages = _sized("RankingAverages", [("reserved", c_int32), ("macro_auroc", c_double),
                                             ("weighted_auroc", c_double), ("macro_average_precision", c_double),
                                             ("weighted_average_precision", c_double)])
CorrelationResult = _sized("CorrelationResult", [("status", c_int32), ("coefficient", c_double), ("count", c_int64)])
SelectivePredictionOptions = _sized("SelectivePredictionOptions", [("tie_policy", c_int32), ("nan_policy", c_int32),
                                                                   ("start_index", c_int32),
                                                                   ("accuracy_targets", PTensor)])
SELECTIVE_FIELDS = ["accuracy", "error_rate", "aurc", "cumulative_abstinence_auc", "eaurc", "oracle_aurc", "aulc",
                    "relative_aulc"]
SelectivePredictionResult = _sized("SelectivePredictionResult", [("status", c_int32), ("count", c_int64)]
                                   + [(name, c_double) for name in SELECTIVE_FIELDS])
SelectiveCoverage = _outputs("SelectiveCoverage", ["parity", "corrected"])
SPEARMAN_RANKS = {"midrank": 0, "ordinal_stable": 1}
TIE_POLICIES = {"averaged": 0, "stable": 1}
CORRELATION_STATUS = {0: "ok", 1: "constant", 2: "nan_propagated"}
SELECTIVE_STATUS = {0: "ok", 1: "nan_propagated", 2: "empty"}
RANKING_STATUS[3] = "empty"
RECALL_AT_ONE_OUTPUTS = ["nearest", "correct"]
RecallAtOneOutputs = _outputs("RecallAtOneOutputs", RECALL_AT_ONE_OUTPUTS)
RecallAtOneResult = _sized("RecallAtOneResult", [("r_auroc_status", c_int32), ("recall_at_one", c_double),
                                                 ("count", c_int64), ("correct", c_int64), ("r_auroc", c_double),
                                                 ("r_average_precision", c_double), ("r_positives", c_int64),
                                                 ("r_negatives", c_int64)])
VMF_KL_OUTPUTS = ["divergence", "derivative_kappa1", "derivative_kappa2"]
VmfKlOutputs = _outputs("VmfKlOutputs", VMF_KL_OUTPUTS)
VMF_LOG_DENSITY_OUTPUTS = ["log_density", "derivative_kappa"]
VmfLogDensityOutputs = _outputs("VmfLogDensityOutputs", VMF_LOG_DENSITY_OUTPUTS)
VMF_SAMPLERS = {"exact": 0, "reference_svae": 1}
VMF_GRADIENTS = {"pathwise": 0, "implicit": 1}
VmfSampleOptions = _sized("VmfSampleOptions", [("samples", c_int32), ("seed", c_uint64), ("offset", c_uint64),
                                               ("mode", c_int32), ("reserved", c_int32)])
VmfSampleOutputs = _outputs("VmfSampleOutputs", ["samples", "cosines", "proposals"])
VmfSampleGradients = _outputs("VmfSampleGradients", ["mu", "kappa"])

P = POINTER
c_context = c_void_p
PF = P(c_float)
PD = P(c_double)

# name: (restype, argtypes), in the order of uqkernels.h.
FUNCTIONS = {
    "uq_get_version": (c_uint32, []),
    "uq_status_string": (c_char_p, [c_int32]),
    "uq_last_error_message": (c_char_p, []),
    "uq_context_create": (c_int32, [P(ContextOptions), P(c_context)]),
    "uq_context_destroy": (c_int32, [c_context]),
    "uq_context_get_info": (c_int32, [c_context, P(ContextInfo)]),
    "uq_row_statistics": (c_int32, [c_context, PTensor, PTensor, P(RowStatisticsOptions), P(RowStatisticsOutputs)]),
    "uq_entropy_f32": (c_int32, [c_context, PF, c_int64, c_int64, PF]),
    "uq_soft_target_cross_entropy": (c_int32, [c_context, PTensor, PTensor, PTensor]),
    "uq_soft_target_cross_entropy_f32": (c_int32, [c_context, PF, PF, c_int64, c_int64, PF]),
    "uq_token_statistics": (c_int32, [c_context, PTensor, PTensor, P(TokenStatisticsOptions),
                                      P(TokenStatisticsOutputs)]),
    "uq_ensemble_decomposition": (c_int32, [c_context, PTensor, PTensor, P(EnsembleOptions), P(EnsembleOutputs)]),
    "uq_calibration": (c_int32, [c_context, PTensor, PTensor, P(CalibrationOptions), P(CalibrationResult),
                                 P(CalibrationBins)]),
    "uq_calibration_f32": (c_int32, [c_context, PF, PF, c_int64, c_int32, PD, PD]),
    "uq_semantic_entropy": (c_int32, [c_context, PTensor, PTensor, PTensor, P(SemanticEntropyOptions),
                                      P(SemanticEntropyOutputs)]),
    "uq_von_mises_fisher": (c_int32, [c_context, PTensor, c_int32, PTensor, P(VmfOutputs)]),
    "uq_vmf_entropy_f64": (c_int32, [c_context, PD, c_int64, c_int32, PD]),
    "uq_auroc": (c_int32, [c_context, PTensor, PTensor, c_int32, P(RankingResult)]),
    "uq_auroc_f32": (c_int32, [c_context, PF, P(c_uint8), c_int64, PD, PD]),
    "uq_auroc_columns": (c_int32, [c_context, PTensor, PTensor, c_int32, c_int32, P(RankingBatchOutputs),
                                   P(RankingAverages)]),
    "uq_spearman": (c_int32, [c_context, PTensor, PTensor, c_int32, c_int32, P(CorrelationResult)]),
    "uq_pearson": (c_int32, [c_context, PTensor, PTensor, c_int32, P(CorrelationResult)]),
    "uq_selective_prediction": (c_int32, [c_context, PTensor, PTensor, P(SelectivePredictionOptions),
                                          P(SelectivePredictionResult), P(SelectiveCoverage)]),
    "uq_auroc_one_vs_rest": (c_int32, [c_context, PTensor, PTensor, c_int32, c_int32, P(RankingBatchOutputs),
                                       P(RankingAverages)]),
    "uq_auroc_segments": (c_int32, [c_context, PTensor, PTensor, PTensor, c_int32, c_int32, P(RankingBatchOutputs),
                                    P(RankingAverages)]),
    "uq_recall_at_one": (c_int32, [c_context, PTensor, PTensor, PTensor, c_int32, P(RecallAtOneOutputs),
                                   P(RecallAtOneResult)]),
    "uq_vmf_kl_divergence": (c_int32, [c_context, PTensor, PTensor, PTensor, PTensor, PTensor, c_int32,
                                       P(VmfKlOutputs)]),
    "uq_vmf_expected_likelihood_kernel": (c_int32, [c_context, PTensor, PTensor, PTensor, PTensor, PTensor, c_int32,
                                                    c_double, PTensor]),
    "uq_vmf_log_density": (c_int32, [c_context, PTensor, PTensor, PTensor, PTensor, c_int32,
                                     P(VmfLogDensityOutputs)]),
    "uq_vmf_sample": (c_int32, [c_context, PTensor, PTensor, P(VmfSampleOptions), P(VmfSampleOutputs)]),
    "uq_vmf_sample_backward": (c_int32, [c_context, PTensor, PTensor, P(VmfSampleOptions), PTensor, c_int32,
                                         P(VmfSampleGradients)]),
}


def _default_path():
    env = os.environ.get("UQKERNELS_LIBRARY")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    built = os.path.join(here, "..", "..", "out", "hosted", "lib", "libuqkernels.so")
    if os.path.exists(built):
        return os.path.normpath(built)
    found = ctypes.util.find_library("uqkernels")
    if found:
        return found
    raise OSError("libuqkernels.so not found: set UQKERNELS_LIBRARY or build interop/ (interop/build_and_test.sh)")


def load(path=None):
    """Loads libuqkernels.so (hosted or NativeAOT) and declares every function's argtypes and restype."""
    library = ctypes.CDLL(path or _default_path())
    for name, (restype, argtypes) in FUNCTIONS.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    return library
