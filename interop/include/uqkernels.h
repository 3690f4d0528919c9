/*
 * uqkernels.h: the stable C ABI of UqKernels (uncertainty-quantification kernels).
 *
 * One header, two libraries with the same exports (interop/README.md):
 *   - hosted   libuqkernels.so: a small C shim that boots the .NET runtime on first use and forwards every call;
 *              every backend (cpu, ilgpu-cpu, cuda, opencl). Needs a .NET 10 runtime (DOTNET_ROOT).
 *   - NativeAOT libuqkernels.so: the same managed code compiled ahead of time; no runtime needed; cpu backend only
 *              (ILGPU needs a JIT, so GPU and ilgpu-cpu requests return UQ_ERR_DEVICE_UNAVAILABLE).
 *
 * Conventions
 *   - Plain C11; every name starts with uq_ / UQ_; fixed-width types; no bool or enum storage in structs.
 *   - Every fallible function returns a uq_status (UQ_OK = 0). On failure uq_last_error_message() says why; that
 *     message is thread-local and valid until the next uq_ call on the same thread (a successful call resets it to "").
 *     No exception or signal ever leaves the library because of bad input.
 *   - Tensors are borrowed DLPack DLTensors (dlpack.h): strides in elements, NULL strides = compact row-major,
 *     byte_offset honoured, any strides >= 0 accepted on inputs (non-contiguous views are gathered), device kDLCPU
 *     only in ABI v1 (kDLCUDA and other device memory give UQ_ERR_INVALID_ARGUMENT: ILGPU 1.5 cannot wrap a foreign
 *     device pointer, so copy to host first). Every dimension must be >= 1. Pointers are never retained after return.
 *   - Outputs are caller-allocated. A NULL output tensor in an outputs struct means "not requested". On error
 *     nothing is written outside the output tensors and result structs, and the status says why.
 *   - Option, output and result structs start with `uint32_t struct_size` (set it to sizeof): fields beyond a caller's
 *     struct_size take their defaults (options), count as not requested (outputs) or are not written (results), so
 *     fields can be appended without breaking old callers. Use the *_INIT macros to get the defaults. A NULL options
 *     pointer means all defaults.
 *   - Threads: a uq_context may be used by one thread at a time (cuBLAS-style); create one context per thread or
 *     stream. Different contexts may be used concurrently. uq_get_version, uq_status_string and
 *     uq_last_error_message may be called from any thread at any time.
 *   - ABI: the function list (UQ_FUNCTIONS below) is append-only. Appending bumps UQ_ABI_VERSION_MINOR; renaming,
 *     removing or changing a function or a struct prefix bumps UQ_ABI_VERSION_MAJOR. A library serves this header when
 *     its major version equals UQ_ABI_VERSION_MAJOR and its minor version is >= UQ_ABI_VERSION_MINOR.
 */
#ifndef UQKERNELS_H_
#define UQKERNELS_H_

#include <stddef.h>
#include <stdint.h>

#include "dlpack.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define UQ_API __declspec(dllimport)
#elif defined(__GNUC__)
#define UQ_API __attribute__((visibility("default")))
#else
#define UQ_API
#endif

/* ---- Version ------------------------------------------------------------------------------------------------- */

#define UQ_ABI_VERSION_MAJOR 1
#define UQ_ABI_VERSION_MINOR 1
/** (major << 16) | minor; compare with uq_get_version(). */
#define UQ_ABI_VERSION ((uint32_t)((UQ_ABI_VERSION_MAJOR << 16) | UQ_ABI_VERSION_MINOR))

/* ---- Status ---------------------------------------------------------------------------------------------------- */

typedef int32_t uq_status;
#define UQ_OK 0
/** A NULL pointer, bad shape, size, stride, device, label, option or value; the message names the argument. */
#define UQ_ERR_INVALID_ARGUMENT 1
/** A tensor's dtype is not one the function accepts; the message lists the accepted ones. */
#define UQ_ERR_UNSUPPORTED_DTYPE 2
/** The requested backend or device cannot be used in this process (missing GPU, or a NativeAOT library). */
#define UQ_ERR_DEVICE_UNAVAILABLE 3
/** The hosted library could not start the .NET runtime (the message carries hostfxr's own). */
#define UQ_ERR_RUNTIME_UNAVAILABLE 4
#define UQ_ERR_OUT_OF_MEMORY 5
/** A bug: an unexpected failure inside the library (the message names it). */
#define UQ_ERR_INTERNAL 6

/* ---- Context --------------------------------------------------------------------------------------------------- */

/** Opaque device context: owns the accelerator, its stream, compiled kernels and scratch buffers. */
typedef struct uq_context uq_context;

#define UQ_BACKEND_AUTO 0      /* UQK_DEVICE if set, else CUDA, then OpenCL, then cpu */
#define UQ_BACKEND_CPU 1       /* managed SIMD, multi-threaded; available everywhere */
#define UQ_BACKEND_ILGPU_CPU 2 /* ILGPU's CPU accelerator (slow; validates the GPU kernels); hosted only */
#define UQ_BACKEND_CUDA 3      /* hosted only */
#define UQ_BACKEND_OPENCL 4    /* hosted only */

typedef struct uq_context_options {
  uint32_t struct_size; /* sizeof(uq_context_options) */
  int32_t backend;      /* UQ_BACKEND_*; default UQ_BACKEND_AUTO */
  int32_t device_id;    /* index among the backend's devices; default 0 */
} uq_context_options;
#define UQ_CONTEXT_OPTIONS_INIT { (uint32_t)sizeof(uq_context_options), UQ_BACKEND_AUTO, 0 }

typedef struct uq_context_info {
  uint32_t struct_size;   /* sizeof(uq_context_info) */
  int32_t backend;        /* the concrete backend (never UQ_BACKEND_AUTO) */
  int32_t device_id;
  int32_t reserved;
  char device_name[128];  /* UTF-8, NUL-terminated, truncated */
} uq_context_info;

/* ---- Row statistics (single model, logits [N, C]) ------------------------------------------------------------- */

typedef struct uq_row_statistics_options {
  uint32_t struct_size;
  int32_t ignore_index;   /* default -100: such labels give NaN label outputs */
  double temperature;     /* default 1: logits are scaled by 1/T */
  int32_t top_k;          /* default 5 */
  int32_t reserved;
  double label_smoothing; /* default 0, in [0, 1) */
} uq_row_statistics_options;
#define UQ_ROW_STATISTICS_OPTIONS_INIT { (uint32_t)sizeof(uq_row_statistics_options), -100, 1.0, 5, 0, 0.0 }

/** Each output is [N]: f64 for f64 logits, else f32; argmax is int32. NULL = not requested (at least one). */
typedef struct uq_row_statistics_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* lse;                 /* log sum exp */
  DLTensor* entropy;             /* H(p) in nats */
  DLTensor* msp;                 /* max p */
  DLTensor* probability_margin;  /* p(1) - p(2) */
  DLTensor* logit_margin;        /* x(1) - x(2) */
  DLTensor* nll;                 /* lse - x_y (labels) */
  DLTensor* brier;               /* sum_c (p_c - 1[c = y])^2 (labels) */
  DLTensor* top1_correct;        /* 1/0 (labels) */
  DLTensor* topk_correct;        /* 1/0 (labels) */
  DLTensor* label_smoothed_cross_entropy; /* (labels) */
  DLTensor* argmax;              /* int32; -1 for a row that is not a distribution */
} uq_row_statistics_outputs;

/* ---- Token statistics (LLM logits [B, T, V]) ------------------------------------------------------------------- */

typedef struct uq_token_statistics_options {
  uint32_t struct_size;
  int32_t shift;         /* default 1 (causal LM: logits[b, t] scores labels[b, t + 1]); 0 or 1 */
  int32_t ignore_index;  /* default -100 */
  int32_t reserved;
  double temperature;    /* default 1 */
} uq_token_statistics_options;
#define UQ_TOKEN_STATISTICS_OPTIONS_INIT { (uint32_t)sizeof(uq_token_statistics_options), 1, -100, 0, 1.0 }

/** Token outputs are [B, T - shift], sequence outputs [B]; f64 for f64 logits else f32; sequence_count int32. */
typedef struct uq_token_statistics_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* token_nll;
  DLTensor* token_entropy;
  DLTensor* token_msp;
  DLTensor* sequence_sum_nll;
  DLTensor* sequence_mean_nll;
  DLTensor* sequence_perplexity;
  DLTensor* sequence_count;
} uq_token_statistics_outputs;

/* ---- Ensemble decomposition (logits [B, M, C] or [M, B, C]) ---------------------------------------------------- */

#define UQ_ENSEMBLE_SAMPLE_MAJOR 0 /* logits [B, M, C] */
#define UQ_ENSEMBLE_MEMBER_MAJOR 1 /* logits [M, B, C] */

typedef struct uq_ensemble_options {
  uint32_t struct_size;
  int32_t layout;        /* UQ_ENSEMBLE_*; default sample-major */
  int32_t ignore_index;  /* default -100 */
  int32_t reserved;
  double temperature;    /* default 1 */
} uq_ensemble_options;
#define UQ_ENSEMBLE_OPTIONS_INIT { (uint32_t)sizeof(uq_ensemble_options), UQ_ENSEMBLE_SAMPLE_MAJOR, -100, 0, 1.0 }

/** Each output is [B]: f64 for f64 logits else f32; argmax_bma int32. */
typedef struct uq_ensemble_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* total;                  /* H(mean p) */
  DLTensor* aleatoric;              /* mean H(p_m) */
  DLTensor* epistemic_kl;           /* mutual information, KL form */
  DLTensor* epistemic_difference;   /* total - aleatoric */
  DLTensor* dual_entropy;           /* H(softmax(mean x)) */
  DLTensor* bregman;
  DLTensor* expected_msp;
  DLTensor* msp_bma;
  DLTensor* msp_dual;
  DLTensor* variance_probabilities;
  DLTensor* variance_logits;
  DLTensor* nll_bma;                /* labels */
  DLTensor* nll_dual;               /* labels */
  DLTensor* argmax_bma;             /* int32 */
} uq_ensemble_outputs;

/* ---- Calibration (ECE / MCE) ------------------------------------------------------------------------------------ */

#define UQ_BINNING_UNTANGLE 0     /* right-closed bins (e_k, e_k+1]; sklearn calibration_curve */
#define UQ_BINNING_TORCHMETRICS 1 /* left-closed bins, K + 1 bins */
#define UQ_BINNING_GUO 2          /* right-closed, no clamping */

typedef struct uq_calibration_options {
  uint32_t struct_size;
  int32_t bins;     /* default 15, in [1, 1024] */
  int32_t binning;  /* UQ_BINNING_*; default untangle */
} uq_calibration_options;
#define UQ_CALIBRATION_OPTIONS_INIT { (uint32_t)sizeof(uq_calibration_options), 15, UQ_BINNING_UNTANGLE }

typedef struct uq_calibration_result {
  uint32_t struct_size;
  int32_t bins;
  double ece;
  double mce;
  double binary_log_prob;
  double binary_brier;
  int64_t count;
} uq_calibration_result;

/** Optional per-bin arrays (reliability diagram), K entries (K + 1 for torchmetrics binning). */
typedef struct uq_calibration_bins {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* counts;      /* int64 */
  DLTensor* confidence;  /* f64 */
  DLTensor* accuracy;    /* f64 */
} uq_calibration_bins;

/* ---- Semantic entropy (CSR answers per question) --------------------------------------------------------------- */

typedef struct uq_semantic_entropy_options {
  uint32_t struct_size;
  int32_t reserved;
  double kuhn_log_likelihood_shift; /* default 0 */
} uq_semantic_entropy_options;
#define UQ_SEMANTIC_ENTROPY_OPTIONS_INIT { (uint32_t)sizeof(uq_semantic_entropy_options), 0, 0.0 }

/** Each output is f64 [Q]. */
typedef struct uq_semantic_entropy_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* rao;
  DLTensor* discrete;
  DLTensor* kuhn;
  DLTensor* naive_predictive;
} uq_semantic_entropy_outputs;

/* ---- von Mises-Fisher scalars ---------------------------------------------------------------------------------- */

/** Each output is [N] with kappa's dtype (f32 or f64). */
typedef struct uq_vmf_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* log_normalizer;
  DLTensor* log_normalizer_delta;
  DLTensor* scaled_log_normalizer;
  DLTensor* mean_resultant_length;
  DLTensor* one_minus_mean_resultant_length;
  DLTensor* mean_resultant_length_derivative;
  DLTensor* entropy;
  DLTensor* kl_to_uniform;
  DLTensor* entropy_derivative;
  DLTensor* kl_to_uniform_derivative;
} uq_vmf_outputs;

/* ---- Ranking (AUROC / AP) -------------------------------------------------------------------------------------- */

#define UQ_NAN_ERROR 0      /* a NaN score is UQ_ERR_INVALID_ARGUMENT */
#define UQ_NAN_PROPAGATE 1  /* NaN metrics, status UQ_RANKING_NAN_PROPAGATED */
#define UQ_NAN_OMIT 2       /* drop NaN-score elements */

#define UQ_RANKING_OK 0
#define UQ_RANKING_ONE_CLASS 1
#define UQ_RANKING_NAN_PROPAGATED 2

typedef struct uq_ranking_result {
  uint32_t struct_size;
  int32_t status;            /* UQ_RANKING_* */
  double auroc;
  double average_precision;
  int64_t positives;
  int64_t negatives;
  int64_t numerator_twice_u; /* exact Mann-Whitney 2U */
} uq_ranking_result;

/* ---- Batched ranking, correlation, selective prediction --------------------------------------------------------- */

#define UQ_RANKING_EMPTY 3 /* no element ranked (batched: an empty or all-NaN-omitted column) */

/** Per-column outputs of uq_auroc_columns, each [K]. */
typedef struct uq_ranking_batch_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* auroc;              /* f64 */
  DLTensor* average_precision;  /* f64 */
  DLTensor* positives;          /* int64 */
  DLTensor* negatives;          /* int64 */
  DLTensor* numerator_twice_u;  /* int64 */
  DLTensor* status;             /* int32 UQ_RANKING_* */
} uq_ranking_batch_outputs;

/** Averages over the columns: NaN when a column is undefined, unless ignore_undefined. */
typedef struct uq_ranking_averages {
  uint32_t struct_size;
  int32_t reserved;
  double macro_auroc;
  double weighted_auroc;             /* weights: positives per column */
  double macro_average_precision;
  double weighted_average_precision;
} uq_ranking_averages;

#define UQ_SPEARMAN_MIDRANK 0         /* scipy.stats.spearmanr */
#define UQ_SPEARMAN_ORDINAL_STABLE 1  /* untangle's ordinal ranks, ties by index */

#define UQ_CORRELATION_OK 0
#define UQ_CORRELATION_CONSTANT 1
#define UQ_CORRELATION_NAN_PROPAGATED 2

typedef struct uq_correlation_result {
  uint32_t struct_size;
  int32_t status;       /* UQ_CORRELATION_* */
  double coefficient;
  int64_t count;        /* pairs used */
} uq_correlation_result;

#define UQ_TIES_AVERAGED 0 /* expectation over random tie-breaking */
#define UQ_TIES_STABLE 1   /* index order inside ties */

#define UQ_SELECTIVE_OK 0
#define UQ_SELECTIVE_NAN_PROPAGATED 1
#define UQ_SELECTIVE_EMPTY 2

typedef struct uq_selective_prediction_options {
  uint32_t struct_size;
  int32_t tie_policy;                /* UQ_TIES_*; default averaged */
  int32_t nan_policy;                /* UQ_NAN_* for uncertainties; default error */
  int32_t start_index;               /* untangle's s0 of the parity coverage; default 200 */
  const DLTensor* accuracy_targets;  /* f64|f32 [T] in (0, 1]; NULL = {0.95, 0.99} */
} uq_selective_prediction_options;
#define UQ_SELECTIVE_PREDICTION_OPTIONS_INIT \
  { (uint32_t)sizeof(uq_selective_prediction_options), UQ_TIES_AVERAGED, UQ_NAN_ERROR, 200, NULL }

typedef struct uq_selective_prediction_result {
  uint32_t struct_size;
  int32_t status;  /* UQ_SELECTIVE_* */
  int64_t count;
  double accuracy;
  double error_rate;
  double aurc;
  double cumulative_abstinence_auc;
  double eaurc;
  double oracle_aurc;
  double aulc;
  double relative_aulc;
} uq_selective_prediction_result;

/** Coverage at each accuracy target, f64 [T] each (NULL = not requested). */
typedef struct uq_selective_coverage {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* parity;     /* untangle's coverage_for_accuracy */
  DLTensor* corrected;  /* largest coverage whose prefix accuracy meets the target */
} uq_selective_coverage;

/* ---- Recall@1 (cosine nearest neighbour of an embedding) --------------------------------------------------------- */

/** Optional per-row outputs of uq_recall_at_one, each [N] (NULL = not requested). */
typedef struct uq_recall_at_one_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* nearest;  /* int32: nn(i), the row's cosine nearest neighbour (ties: lowest index) */
  DLTensor* correct;  /* uint8: 1[class(nn(i)) = class(i)] */
} uq_recall_at_one_outputs;

typedef struct uq_recall_at_one_result {
  uint32_t struct_size;
  int32_t r_auroc_status;        /* UQ_RANKING_* of R-AUROC; UQ_RANKING_EMPTY when no uncertainty was given */
  double recall_at_one;          /* (1/N) sum_i r_i */
  int64_t count;                 /* N */
  int64_t correct;               /* sum_i r_i */
  double r_auroc;                /* AUROC(y = r, score = -uncertainty); NaN when undefined or not requested */
  double r_average_precision;
  int64_t r_positives;
  int64_t r_negatives;
} uq_recall_at_one_result;

/* ---- von Mises-Fisher pairs and sampler --------------------------------------------------------------------------- */

/** Each output is [N] with kappa1's dtype (NULL = not requested; at least one). */
typedef struct uq_vmf_kl_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* divergence;         /* KL(vMF(mu1, kappa1) || vMF(mu2, kappa2)) */
  DLTensor* derivative_kappa1;  /* dKL/dkappa1 */
  DLTensor* derivative_kappa2;  /* dKL/dkappa2 */
} uq_vmf_kl_outputs;

/** Each output is [N] with kappa's dtype (NULL = not requested; at least one). */
typedef struct uq_vmf_log_density_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* log_density;       /* log C_d(kappa) + kappa mu^T x */
  DLTensor* derivative_kappa;  /* mu^T x - A_d(kappa) */
} uq_vmf_log_density_outputs;

#define UQ_VMF_SAMPLER_EXACT 0          /* Wood's sampler with the exact envelope */
#define UQ_VMF_SAMPLER_REFERENCE_SVAE 1 /* the research code's biased blend, for reproduction only (kappa >= 11 wrong) */

#define UQ_VMF_GRADIENT_PATHWISE 0 /* the reference code's "g_rep only" (biased for d != 3) */
#define UQ_VMF_GRADIENT_IMPLICIT 1 /* exact implicit reparameterisation */

typedef struct uq_vmf_sample_options {
  uint32_t struct_size;
  int32_t samples;   /* S >= 1 per element; default 1 */
  uint64_t seed;     /* the Philox key; default 0 */
  uint64_t offset;   /* stream offset < 2^44 (e.g. the training step); default 0 */
  int32_t mode;      /* UQ_VMF_SAMPLER_*; default exact */
  int32_t reserved;
} uq_vmf_sample_options;
#define UQ_VMF_SAMPLE_OPTIONS_INIT { (uint32_t)sizeof(uq_vmf_sample_options), 1, 0, 0, UQ_VMF_SAMPLER_EXACT, 0 }

/** Outputs of uq_vmf_sample, with mu's dtype (proposals int32). */
typedef struct uq_vmf_sample_outputs {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* samples;    /* [N, S, d] unit vectors; required */
  DLTensor* cosines;    /* [N, S] w = mu^T x as drawn; optional */
  DLTensor* proposals;  /* [N, S] int32 rejection proposals used (0 = all 64 rejected, sample NaN); optional */
} uq_vmf_sample_outputs;

/** Gradients of uq_vmf_sample_backward, with mu's dtype (NULL = not requested; at least one). */
typedef struct uq_vmf_sample_gradients {
  uint32_t struct_size;
  uint32_t reserved;
  DLTensor* mu;     /* [N, d] dL/dmu */
  DLTensor* kappa;  /* [N] dL/dkappa */
} uq_vmf_sample_gradients;

/*
 * ---- Functions ---------------------------------------------------------------------------------------------------
 *
 * uq_get_version()                 UQ_ABI_VERSION of the library (0 when a hosted library cannot start .NET).
 * uq_status_string(s)              A static name for a status ("UQ_OK", ...); never NULL.
 * uq_last_error_message()          This thread's message of its last failed call ("" after a success); never NULL.
 * uq_context_create(opts, &ctx)    Creates a context (opts NULL = auto). DEVICE_UNAVAILABLE says why a device is missing.
 * uq_context_destroy(ctx)          Releases it; NULL is a no-op. Never use ctx afterwards.
 * uq_context_get_info(ctx, info)   The concrete backend, device id and device name.
 * uq_row_statistics(ctx, logits [N, C] f32|f64|f16|bf16, labels [N] int32|int64 or NULL, opts, outputs)
 *                                  Per-row lse, entropy, MSP, margins, arg-max; with labels NLL, Brier, top-1/k, LS-CE.
 * uq_entropy_f32(ctx, logits, rows, classes, entropy)   Flat: dense row-major f32 logits, entropy [rows].
 * uq_soft_target_cross_entropy(ctx, logits [N, C] f32|f64, targets [N, C] same dtype, destination [N])
 * uq_soft_target_cross_entropy_f32(ctx, logits, targets, rows, classes, destination)   Flat, dense.
 * uq_token_statistics(ctx, logits [B, T, V] f32|f64|f16|bf16, labels [B, T] int32|int64 or NULL, opts, outputs)
 * uq_ensemble_decomposition(ctx, logits [B, M, C] | [M, B, C] f32|f64|f16|bf16, labels [B] or NULL, opts, outputs)
 * uq_calibration(ctx, confidence [N] f32|f64, correct [N] same dtype, opts, result, bins or NULL)
 * uq_calibration_f32(ctx, confidence, correct, n, bins, &ece, &mce)   Flat; untangle binning.
 * uq_semantic_entropy(ctx, offsets [Q + 1] int32|int64, log_likelihoods [N] f64|f32, cluster_ids [N] int32|int64,
 *                     opts, outputs)
 * uq_von_mises_fisher(ctx, kappa [N] f32|f64, dimension, dimensions [N] int32 or NULL (then `dimension` for all),
 *                     outputs)
 * uq_vmf_entropy_f64(ctx, kappa, n, dimension, entropy)   Flat: differential entropy of vMF(kappa_i) on S^(d-1).
 * uq_auroc(ctx, scores [N] f32|f64|f16|bf16 (ties in the input dtype), labels [N] uint8|bool|int8|int32|int64 (0/1),
 *          nan_policy, result)
 * uq_auroc_f32(ctx, scores, labels, n, &auroc, &average_precision)   Flat; NaN scores are an error.
 * uq_auroc_columns(ctx, scores [N, K] f32|f64, labels [N] (0/1), nan_policy, ignore_undefined, outputs, averages or NULL)
 *                                  AUROC / AP of every column (estimators x one target); column-major views in place.
 * uq_spearman(ctx, x [N] f32|f64, y [N] same dtype, ranks UQ_SPEARMAN_*, nan_policy, result)
 * uq_pearson(ctx, x [N] f32|f64, y [N] same dtype, nan_policy, result)
 * uq_selective_prediction(ctx, uncertainty [N] f32|f64, correct [N] same dtype, opts, result, coverage or NULL)
 *                                  AURC, E-AURC, AULC and coverage at accuracy targets (untangle definitions).
 * uq_auroc_one_vs_rest(ctx, probabilities [N, C] f32|f64, labels [N] int32|int64 in [0, C), nan_policy, ignore_undefined,
 *                      outputs [C], averages or NULL)
 *                                  One-vs-rest AUROC / AP per class (sklearn multi_class='ovr'; weights = class support).
 * uq_auroc_segments(ctx, scores [N] f32|f64|f16|bf16, labels [N] (0/1), offsets [S + 1] int32|int64, nan_policy,
 *                   ignore_undefined, outputs [S], averages or NULL)
 *                                  AUROC / AP of every CSR segment scores[offsets[s] .. offsets[s + 1]).
 * uq_recall_at_one(ctx, features [N, D] f32|f64, classes [N] int32|int64, uncertainty [N] features' dtype or NULL,
 *                  nan_policy, outputs or NULL, result)
 *                                  Recall@1 of the cosine nearest neighbour and R-AUROC (URL benchmark).
 * uq_vmf_kl_divergence(ctx, kappa1 [N] f32|f64, kappa2 [N], one_minus_cosine [N] or NULL, mu1 [N, d] or NULL,
 *                      mu2 [N, d] or NULL, dimension, outputs)
 *                                  KL between vMFs and its kappa-gradients; give either 1 - mu1^T mu2 or both unit mus.
 * uq_vmf_expected_likelihood_kernel(ctx, kappa1, kappa2, one_minus_cosine or NULL, mu1 or NULL, mu2 or NULL, dimension,
 *                                   rho in (0, 1], destination [N])   Log probability-product kernel (rho = 1: ELK).
 * uq_vmf_log_density(ctx, kappa [N] f32|f64, one_minus_cosine [N] or NULL, mu [N, d] or NULL, x [N, d] or NULL,
 *                    dimension, outputs)          log p(x) under vMF(mu, kappa) and d/dkappa.
 * uq_vmf_sample(ctx, mu [N, d] f32|f64 unit rows, kappa [N] same dtype, opts, outputs)
 *                                  S samples per row on S^(d-1), reproducible from (seed, offset).
 * uq_vmf_sample_backward(ctx, mu, kappa, opts, upstream [N, S, d], gradient_mode UQ_VMF_GRADIENT_*, gradients)
 *                                  dL/dmu and dL/dkappa of the samples uq_vmf_sample drew with the same opts.
 *
 * The first three functions are fixed forever. Every other function returns uq_status and is declared by the
 * UQ_FUNCTIONS list below, whose order (after those three) is the order of the hosted shim's function table:
 * append only, one entry per function: X(name, parameter list, argument list).
 */
UQ_API uint32_t uq_get_version(void);
UQ_API const char* uq_status_string(uq_status status);
UQ_API const char* uq_last_error_message(void);

#define UQ_FUNCTIONS(X) \
  X(uq_context_create, (const uq_context_options* options, uq_context** context), (options, context)) \
  X(uq_context_destroy, (uq_context* context), (context)) \
  X(uq_context_get_info, (const uq_context* context, uq_context_info* info), (context, info)) \
  X(uq_row_statistics, (uq_context* context, const DLTensor* logits, const DLTensor* labels, \
      const uq_row_statistics_options* options, const uq_row_statistics_outputs* outputs), \
      (context, logits, labels, options, outputs)) \
  X(uq_entropy_f32, (uq_context* context, const float* logits, int64_t rows, int64_t classes, float* entropy), \
      (context, logits, rows, classes, entropy)) \
  X(uq_soft_target_cross_entropy, (uq_context* context, const DLTensor* logits, const DLTensor* targets, \
      const DLTensor* destination), (context, logits, targets, destination)) \
  X(uq_soft_target_cross_entropy_f32, (uq_context* context, const float* logits, const float* targets, int64_t rows, \
      int64_t classes, float* destination), (context, logits, targets, rows, classes, destination)) \
  X(uq_token_statistics, (uq_context* context, const DLTensor* logits, const DLTensor* labels, \
      const uq_token_statistics_options* options, const uq_token_statistics_outputs* outputs), \
      (context, logits, labels, options, outputs)) \
  X(uq_ensemble_decomposition, (uq_context* context, const DLTensor* logits, const DLTensor* labels, \
      const uq_ensemble_options* options, const uq_ensemble_outputs* outputs), \
      (context, logits, labels, options, outputs)) \
  X(uq_calibration, (uq_context* context, const DLTensor* confidence, const DLTensor* correct, \
      const uq_calibration_options* options, uq_calibration_result* result, const uq_calibration_bins* bins), \
      (context, confidence, correct, options, result, bins)) \
  X(uq_calibration_f32, (uq_context* context, const float* confidence, const float* correct, int64_t n, int32_t bins, \
      double* ece, double* mce), (context, confidence, correct, n, bins, ece, mce)) \
  X(uq_semantic_entropy, (uq_context* context, const DLTensor* offsets, const DLTensor* log_likelihoods, \
      const DLTensor* cluster_ids, const uq_semantic_entropy_options* options, \
      const uq_semantic_entropy_outputs* outputs), (context, offsets, log_likelihoods, cluster_ids, options, outputs)) \
  X(uq_von_mises_fisher, (uq_context* context, const DLTensor* kappa, int32_t dimension, const DLTensor* dimensions, \
      const uq_vmf_outputs* outputs), (context, kappa, dimension, dimensions, outputs)) \
  X(uq_vmf_entropy_f64, (uq_context* context, const double* kappa, int64_t n, int32_t dimension, double* entropy), \
      (context, kappa, n, dimension, entropy)) \
  X(uq_auroc, (uq_context* context, const DLTensor* scores, const DLTensor* labels, int32_t nan_policy, \
      uq_ranking_result* result), (context, scores, labels, nan_policy, result)) \
  X(uq_auroc_f32, (uq_context* context, const float* scores, const uint8_t* labels, int64_t n, double* auroc, \
      double* average_precision), (context, scores, labels, n, auroc, average_precision)) \
  X(uq_auroc_columns, (uq_context* context, const DLTensor* scores, const DLTensor* labels, int32_t nan_policy, \
      int32_t ignore_undefined, const uq_ranking_batch_outputs* outputs, uq_ranking_averages* averages), \
      (context, scores, labels, nan_policy, ignore_undefined, outputs, averages)) \
  X(uq_spearman, (uq_context* context, const DLTensor* x, const DLTensor* y, int32_t ranks, int32_t nan_policy, \
      uq_correlation_result* result), (context, x, y, ranks, nan_policy, result)) \
  X(uq_pearson, (uq_context* context, const DLTensor* x, const DLTensor* y, int32_t nan_policy, \
      uq_correlation_result* result), (context, x, y, nan_policy, result)) \
  X(uq_selective_prediction, (uq_context* context, const DLTensor* uncertainty, const DLTensor* correct, \
      const uq_selective_prediction_options* options, uq_selective_prediction_result* result, \
      const uq_selective_coverage* coverage), (context, uncertainty, correct, options, result, coverage)) \
  X(uq_auroc_one_vs_rest, (uq_context* context, const DLTensor* probabilities, const DLTensor* labels, \
      int32_t nan_policy, int32_t ignore_undefined, const uq_ranking_batch_outputs* outputs, \
      uq_ranking_averages* averages), (context, probabilities, labels, nan_policy, ignore_undefined, outputs, averages)) \
  X(uq_auroc_segments, (uq_context* context, const DLTensor* scores, const DLTensor* labels, const DLTensor* offsets, \
      int32_t nan_policy, int32_t ignore_undefined, const uq_ranking_batch_outputs* outputs, \
      uq_ranking_averages* averages), (context, scores, labels, offsets, nan_policy, ignore_undefined, outputs, averages)) \
  X(uq_recall_at_one, (uq_context* context, const DLTensor* features, const DLTensor* classes, \
      const DLTensor* uncertainty, int32_t nan_policy, const uq_recall_at_one_outputs* outputs, \
      uq_recall_at_one_result* result), (context, features, classes, uncertainty, nan_policy, outputs, result)) \
  X(uq_vmf_kl_divergence, (uq_context* context, const DLTensor* kappa1, const DLTensor* kappa2, \
      const DLTensor* one_minus_cosine, const DLTensor* mu1, const DLTensor* mu2, int32_t dimension, \
      const uq_vmf_kl_outputs* outputs), (context, kappa1, kappa2, one_minus_cosine, mu1, mu2, dimension, outputs)) \
  X(uq_vmf_expected_likelihood_kernel, (uq_context* context, const DLTensor* kappa1, const DLTensor* kappa2, \
      const DLTensor* one_minus_cosine, const DLTensor* mu1, const DLTensor* mu2, int32_t dimension, double rho, \
      const DLTensor* destination), (context, kappa1, kappa2, one_minus_cosine, mu1, mu2, dimension, rho, destination)) \
  X(uq_vmf_log_density, (uq_context* context, const DLTensor* kappa, const DLTensor* one_minus_cosine, \
      const DLTensor* mu, const DLTensor* x, int32_t dimension, const uq_vmf_log_density_outputs* outputs), \
      (context, kappa, one_minus_cosine, mu, x, dimension, outputs)) \
  X(uq_vmf_sample, (uq_context* context, const DLTensor* mu, const DLTensor* kappa, \
      const uq_vmf_sample_options* options, const uq_vmf_sample_outputs* outputs), \
      (context, mu, kappa, options, outputs)) \
  X(uq_vmf_sample_backward, (uq_context* context, const DLTensor* mu, const DLTensor* kappa, \
      const uq_vmf_sample_options* options, const DLTensor* upstream, int32_t gradient_mode, \
      const uq_vmf_sample_gradients* gradients), (context, mu, kappa, options, upstream, gradient_mode, gradients))

#define UQ_DECLARE_FUNCTION_(name, params, args) UQ_API uq_status name params;
UQ_FUNCTIONS(UQ_DECLARE_FUNCTION_)
#undef UQ_DECLARE_FUNCTION_

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* UQKERNELS_H_ */
