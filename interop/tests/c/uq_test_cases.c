/* Happy paths against hand-computed values (and the repository's reference data in test_reference). */
#include "uq_test.h"
#include "npy.h"

static const double LN2 = 0.69314718055994531;
static const double LN3 = 1.0986122886681098;
static const double LN4 = 1.3862943611198906;
/* H(0.75, 0.25) */
static const double H_3_1 = 0.56233514461880829;

void test_version(void) {
  uint32_t version = uq_get_version();
  CHECK(version == UQ_ABI_VERSION);
  CHECK((version >> 16) == UQ_ABI_VERSION_MAJOR);
  CHECK(strcmp(uq_status_string(UQ_OK), "UQ_OK") == 0);
  CHECK(strcmp(uq_status_string(UQ_ERR_INVALID_ARGUMENT), "UQ_ERR_INVALID_ARGUMENT") == 0);
  CHECK(strcmp(uq_status_string(UQ_ERR_UNSUPPORTED_DTYPE), "UQ_ERR_UNSUPPORTED_DTYPE") == 0);
  CHECK(strcmp(uq_status_string(UQ_ERR_DEVICE_UNAVAILABLE), "UQ_ERR_DEVICE_UNAVAILABLE") == 0);
  CHECK(strcmp(uq_status_string(UQ_ERR_RUNTIME_UNAVAILABLE), "UQ_ERR_RUNTIME_UNAVAILABLE") == 0);
  CHECK(strcmp(uq_status_string(UQ_ERR_OUT_OF_MEMORY), "UQ_ERR_OUT_OF_MEMORY") == 0);
  CHECK(strcmp(uq_status_string(UQ_ERR_INTERNAL), "UQ_ERR_INTERNAL") == 0);
  CHECK(strcmp(uq_status_string(12345), "UQ_ERR_UNKNOWN") == 0);
  CHECK(uq_last_error_message() != NULL && uq_last_error_message()[0] == '\0');
}

void test_context(void) {
  uq_context* context = NULL;
  CHECK_OK(uq_context_create(NULL, &context));  /* auto */
  uq_context_info info = {sizeof(info), -1, -1, 0, {0}};
  CHECK_OK(uq_context_get_info(context, &info));
  CHECK(info.backend != UQ_BACKEND_AUTO);
  CHECK(info.device_name[0] != '\0');
  CHECK_OK(uq_context_destroy(context));
  CHECK_OK(uq_context_destroy(NULL));

  /* An older caller's shorter struct: fields past struct_size take their defaults (backend auto). */
  uq_context_options short_options = {sizeof(uint32_t), 99, 99};
  CHECK_OK(uq_context_create(&short_options, &context));
  CHECK_OK(uq_context_destroy(context));

  uq_context_options options = UQ_CONTEXT_OPTIONS_INIT;
  options.backend = UQ_BACKEND_CPU;
  CHECK_OK(uq_context_create(&options, &context));
  info.struct_size = sizeof(info);
  CHECK_OK(uq_context_get_info(context, &info));
  CHECK(info.backend == UQ_BACKEND_CPU && info.device_id == 0);
  CHECK(strstr(info.device_name, "SIMD") != NULL);
  CHECK_OK(uq_context_destroy(context));

  /* ILGPU's CPU accelerator: runs in the hosted library, refused with a reason by the NativeAOT one. */
  options.backend = UQ_BACKEND_ILGPU_CPU;
  context = NULL;
  if (uq_test_is_aot()) {
    CHECK_STATUS(UQ_ERR_DEVICE_UNAVAILABLE, "NativeAOT", uq_context_create(&options, &context));
    CHECK(context == NULL);
  } else {
    CHECK_OK(uq_context_create(&options, &context));
    float logits[4] = {0.0f, 0.0f, (float)LN3, 0.0f};
    float entropy[2] = {0};
    CHECK_OK(uq_entropy_f32(context, logits, 2, 2, entropy));
    CHECK_NEAR(entropy[0], LN2, 1e-6);
    CHECK_NEAR(entropy[1], H_3_1, 1e-6);
    info.struct_size = sizeof(info);
    CHECK_OK(uq_context_get_info(context, &info));
    CHECK(info.backend == UQ_BACKEND_ILGPU_CPU);
    CHECK_OK(uq_context_destroy(context));
  }
}

void test_row_statistics(void) {
  uq_context* context = uq_test_context();
  /* Rows [0, 0] (p = 1/2, 1/2) and [ln 3, 0] (p = 3/4, 1/4); labels 0 and 1. */
  float logits[4] = {0.0f, 0.0f, (float)LN3, 0.0f};
  double logits64[4] = {0.0, 0.0, LN3, 0.0};
  int32_t labels[2] = {0, 1};
  float lse[2], entropy[2], msp[2], nll[2], brier[2], top1[2], margin[2];
  int32_t argmax[2];
  uq_test_tensor x, y, o_lse, o_entropy, o_msp, o_nll, o_brier, o_top1, o_margin, o_argmax;
  uq_row_statistics_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  outputs.lse = uq_tensor(&o_lse, lse, UQ_F32, 1, SHAPE1(2), NULL);
  outputs.entropy = uq_tensor(&o_entropy, entropy, UQ_F32, 1, SHAPE1(2), NULL);
  outputs.msp = uq_tensor(&o_msp, msp, UQ_F32, 1, SHAPE1(2), NULL);
  outputs.nll = uq_tensor(&o_nll, nll, UQ_F32, 1, SHAPE1(2), NULL);
  outputs.brier = uq_tensor(&o_brier, brier, UQ_F32, 1, SHAPE1(2), NULL);
  outputs.top1_correct = uq_tensor(&o_top1, top1, UQ_F32, 1, SHAPE1(2), NULL);
  outputs.probability_margin = uq_tensor(&o_margin, margin, UQ_F32, 1, SHAPE1(2), NULL);
  outputs.argmax = uq_tensor(&o_argmax, argmax, UQ_I32, 1, SHAPE1(2), NULL);
  CHECK_OK(uq_row_statistics(context, uq_tensor(&x, logits, UQ_F32, 2, SHAPE2(2, 2), NULL),
                             uq_tensor(&y, labels, UQ_I32, 1, SHAPE1(2), NULL), NULL, &outputs));
  CHECK_NEAR(lse[0], LN2, 1e-6);
  CHECK_NEAR(lse[1], LN4, 1e-6);
  CHECK_NEAR(entropy[0], LN2, 1e-6);
  CHECK_NEAR(entropy[1], H_3_1, 1e-6);
  CHECK_NEAR(msp[0], 0.5, 1e-6);
  CHECK_NEAR(msp[1], 0.75, 1e-6);
  CHECK_NEAR(nll[0], LN2, 1e-6);
  CHECK_NEAR(nll[1], LN4, 1e-6);
  CHECK_NEAR(brier[0], 0.5, 1e-6);
  CHECK_NEAR(brier[1], 1.125, 1e-6);
  CHECK(top1[0] == 1.0f && top1[1] == 0.0f);
  CHECK_NEAR(margin[1], 0.5, 1e-6);
  CHECK(argmax[0] == 0 && argmax[1] == 0);

  /* f64 logits write f64 outputs; int64 labels; options (temperature 2 halves the logits). */
  double entropy64[2], nll64[2];
  int64_t labels64[2] = {0, 1};
  uq_test_tensor x64, y64, o_entropy64, o_nll64;
  uq_row_statistics_outputs outputs64 = {sizeof(outputs64), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  outputs64.entropy = uq_tensor(&o_entropy64, entropy64, UQ_F64, 1, SHAPE1(2), NULL);
  outputs64.nll = uq_tensor(&o_nll64, nll64, UQ_F64, 1, SHAPE1(2), NULL);
  double doubled[4] = {0.0, 0.0, 2.0 * LN3, 0.0};
  uq_row_statistics_options options = UQ_ROW_STATISTICS_OPTIONS_INIT;
  options.temperature = 2.0;
  CHECK_OK(uq_row_statistics(context, uq_tensor(&x64, doubled, UQ_F64, 2, SHAPE2(2, 2), NULL),
                             uq_tensor(&y64, labels64, UQ_I64, 1, SHAPE1(2), NULL), &options, &outputs64));
  CHECK_NEAR(entropy64[0], LN2, 1e-14);
  CHECK_NEAR(entropy64[1], H_3_1, 1e-14);
  CHECK_NEAR(nll64[1], LN4, 1e-14);
  (void)logits64;

  /* f16 (0x3C00 = 1.0) and bf16 (0x3F80 = 1.0) logits [1, 0] give f32 outputs. */
  uint16_t half[2] = {0x3C00, 0x0000};
  uint16_t bhalf[2] = {0x3F80, 0x0000};
  float h1[1];
  uq_test_tensor xh, oh;
  uq_row_statistics_outputs outputs16 = {sizeof(outputs16), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  outputs16.entropy = uq_tensor(&oh, h1, UQ_F32, 1, SHAPE1(1), NULL);
  const double expected = log(1.0 + exp(1.0)) - exp(1.0) / (1.0 + exp(1.0));  /* H of softmax([1, 0]) */
  CHECK_OK(uq_row_statistics(context, uq_tensor(&xh, half, kDLFloat, 16, 2, SHAPE2(1, 2), NULL), NULL, NULL,
                             &outputs16));
  CHECK_NEAR(h1[0], expected, 1e-6);
  CHECK_OK(uq_row_statistics(context, uq_tensor(&xh, bhalf, kDLBfloat, 16, 2, SHAPE2(1, 2), NULL), NULL, NULL,
                             &outputs16));
  CHECK_NEAR(h1[0], expected, 1e-6);
  CHECK_OK(uq_context_destroy(context));
}

void test_flat(void) {
  uq_context* context = uq_test_context();
  float logits[4] = {0.0f, 0.0f, (float)LN3, 0.0f};
  float entropy[2] = {0};
  CHECK_OK(uq_entropy_f32(context, logits, 2, 2, entropy));
  CHECK_NEAR(entropy[0], LN2, 1e-6);
  CHECK_NEAR(entropy[1], H_3_1, 1e-6);

  float targets[4] = {0.5f, 0.5f, 0.0f, 1.0f};
  float ce[2];
  CHECK_OK(uq_soft_target_cross_entropy_f32(context, logits, targets, 2, 2, ce));
  CHECK_NEAR(ce[0], LN2, 1e-6);
  CHECK_NEAR(ce[1], LN4, 1e-6);

  float confidence[4] = {0.85f, 0.85f, 0.55f, 0.55f};
  float correct[4] = {1, 0, 1, 1};
  double ece = -1, mce = -1;
  CHECK_OK(uq_calibration_f32(context, confidence, correct, 4, 10, &ece, &mce));
  CHECK_NEAR(ece, 0.4, 1e-7);
  CHECK_NEAR(mce, 0.45, 1e-7);

  float scores[4] = {0.1f, 0.4f, 0.35f, 0.8f};
  uint8_t labels[4] = {0, 0, 1, 1};
  double auroc = -1, ap = -1;
  CHECK_OK(uq_auroc_f32(context, scores, labels, 4, &auroc, &ap));
  CHECK_NEAR(auroc, 0.75, 1e-15);
  CHECK_NEAR(ap, 0.83333333333333337, 1e-15);

  double kappa[2] = {0.0, 1.0};
  double h[2];
  CHECK_OK(uq_vmf_entropy_f64(context, kappa, 2, 3, h));
  CHECK_NEAR(h[0], 2.5310242469692907, 1e-13);  /* log(4 pi): uniform on S^2 */
  CHECK_NEAR(h[1], 2.379428323041155, 1e-12);   /* -log C_3(1) - A_3(1) */
  CHECK_OK(uq_context_destroy(context));
}

void test_strides(void) {
  uq_context* context = uq_test_context();
  /* 2 x 2 logits inside a 2 x 5 buffer at column 1 (row stride 5: used in place), via byte_offset. */
  float padded[10] = {99, 0, 0, 99, 99, 99, (float)LN3, 0, 99, 99};
  float entropy[2] = {0};
  uq_test_tensor x, o;
  uq_row_statistics_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  outputs.entropy = uq_tensor(&o, entropy, UQ_F32, 1, SHAPE1(2), NULL);
  DLTensor* view = uq_tensor(&x, padded, UQ_F32, 2, SHAPE2(2, 2), SHAPE2(5, 1));
  view->byte_offset = sizeof(float);
  CHECK_OK(uq_row_statistics(context, view, NULL, NULL, &outputs));
  CHECK_NEAR(entropy[0], LN2, 1e-6);
  CHECK_NEAR(entropy[1], H_3_1, 1e-6);

  /* A transposed view (strides [1, 2]: gathered) and a strided output (every other element). */
  float transposed[4] = {0, (float)LN3, 0, 0};  /* column-major storage of [[0, 0], [ln 3, 0]] */
  float strided_out[4] = {-7, -7, -7, -7};
  uq_test_tensor xt, ot;
  outputs.entropy = uq_tensor(&ot, strided_out, UQ_F32, 1, SHAPE1(2), SHAPE1(2));
  CHECK_OK(uq_row_statistics(context, uq_tensor(&xt, transposed, UQ_F32, 2, SHAPE2(2, 2), SHAPE2(1, 2)), NULL, NULL,
                             &outputs));
  CHECK_NEAR(strided_out[0], LN2, 1e-6);
  CHECK_NEAR(strided_out[2], H_3_1, 1e-6);
  CHECK(strided_out[1] == -7 && strided_out[3] == -7);

  /* Strided int64 labels (every other element) and a broadcast (stride 0) input row. */
  int64_t labels[4] = {0, -1, 1, -1};
  float nll[2];
  uq_test_tensor y, on, xb;
  uq_row_statistics_outputs nll_outputs = {sizeof(nll_outputs), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  nll_outputs.nll = uq_tensor(&on, nll, UQ_F32, 1, SHAPE1(2), NULL);
  float one_row[2] = {(float)LN3, 0};
  CHECK_OK(uq_row_statistics(context, uq_tensor(&xb, one_row, UQ_F32, 2, SHAPE2(2, 2), SHAPE2(0, 1)),
                             uq_tensor(&y, labels, UQ_I64, 1, SHAPE1(2), SHAPE1(2)), NULL, &nll_outputs));
  CHECK_NEAR(nll[0], log(4.0 / 3.0), 1e-6);
  CHECK_NEAR(nll[1], LN4, 1e-6);

  /* Soft-target CE with logits in place (row stride 5) and dense targets: gathered to one layout. */
  float targets[4] = {0.5f, 0.5f, 0.0f, 1.0f};
  float ce[2];
  uq_test_tensor tt, oc;
  view = uq_tensor(&x, padded, UQ_F32, 2, SHAPE2(2, 2), SHAPE2(5, 1));
  view->byte_offset = sizeof(float);
  CHECK_OK(uq_soft_target_cross_entropy(context, view, uq_tensor(&tt, targets, UQ_F32, 2, SHAPE2(2, 2), NULL),
                                        uq_tensor(&oc, ce, UQ_F32, 1, SHAPE1(2), NULL)));
  CHECK_NEAR(ce[0], LN2, 1e-6);
  CHECK_NEAR(ce[1], LN4, 1e-6);

  /* Ensemble logits [B=1, M=2, C=2] with members 4 floats apart (padding between them: gathered). */
  float members[8] = {(float)LN3, 0, 99, 99, 0, (float)LN3, 99, 99};
  float total[1], aleatoric[1];
  uq_test_tensor xe, ot1, oa1;
  uq_ensemble_outputs eo = {sizeof(eo), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  eo.total = uq_tensor(&ot1, total, UQ_F32, 1, SHAPE1(1), NULL);
  eo.aleatoric = uq_tensor(&oa1, aleatoric, UQ_F32, 1, SHAPE1(1), NULL);
  CHECK_OK(uq_ensemble_decomposition(context, uq_tensor(&xe, members, UQ_F32, 3, SHAPE3(1, 2, 2),
                                                         (const int64_t[]){8, 4, 1}), NULL, NULL, &eo));
  CHECK_NEAR(total[0], LN2, 1e-6);
  CHECK_NEAR(aleatoric[0], H_3_1, 1e-6);
  CHECK_OK(uq_context_destroy(context));
}

void test_soft_target(void) {
  uq_context* context = uq_test_context();
  double logits[4] = {0, 0, LN3, 0};
  double targets[4] = {0.5, 0.5, 0.25, 0.75};
  double ce[2];
  uq_test_tensor x, t, d;
  CHECK_OK(uq_soft_target_cross_entropy(context, uq_tensor(&x, logits, UQ_F64, 2, SHAPE2(2, 2), NULL),
                                        uq_tensor(&t, targets, UQ_F64, 2, SHAPE2(2, 2), NULL),
                                        uq_tensor(&d, ce, UQ_F64, 1, SHAPE1(2), NULL)));
  CHECK_NEAR(ce[0], LN2, 1e-14);
  CHECK_NEAR(ce[1], 0.25 * log(4.0 / 3.0) + 0.75 * LN4, 1e-14);
  CHECK_OK(uq_context_destroy(context));
}

void test_token(void) {
  uq_context* context = uq_test_context();
  /* B = 1, T = 3, V = 2, shift 1: position 0 scores labels[1] = 0, position 1 scores labels[2] = 1. */
  float logits[6] = {0, 0, (float)LN3, 0, 5, 5};
  int32_t labels[3] = {-100, 0, 1};
  float nll[2], entropy[2], sum[1], mean[1], ppl[1];
  int32_t count[1];
  uq_test_tensor x, y, on, oe, os, om, op, oc;
  uq_token_statistics_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0, 0, 0, 0};
  outputs.token_nll = uq_tensor(&on, nll, UQ_F32, 2, SHAPE2(1, 2), NULL);
  outputs.token_entropy = uq_tensor(&oe, entropy, UQ_F32, 2, SHAPE2(1, 2), NULL);
  outputs.sequence_sum_nll = uq_tensor(&os, sum, UQ_F32, 1, SHAPE1(1), NULL);
  outputs.sequence_mean_nll = uq_tensor(&om, mean, UQ_F32, 1, SHAPE1(1), NULL);
  outputs.sequence_perplexity = uq_tensor(&op, ppl, UQ_F32, 1, SHAPE1(1), NULL);
  outputs.sequence_count = uq_tensor(&oc, count, UQ_I32, 1, SHAPE1(1), NULL);
  uq_token_statistics_options options = UQ_TOKEN_STATISTICS_OPTIONS_INIT;
  CHECK_OK(uq_token_statistics(context, uq_tensor(&x, logits, UQ_F32, 3, SHAPE3(1, 3, 2), NULL),
                               uq_tensor(&y, labels, UQ_I32, 2, SHAPE2(1, 3), NULL), &options, &outputs));
  CHECK_NEAR(nll[0], LN2, 1e-6);
  CHECK_NEAR(nll[1], LN4, 1e-6);
  CHECK_NEAR(entropy[1], H_3_1, 1e-6);
  CHECK_NEAR(sum[0], 3 * LN2, 1e-6);
  CHECK_NEAR(mean[0], 1.5 * LN2, 1e-6);
  CHECK_NEAR(ppl[0], sqrt(8.0), 1e-5);
  CHECK(count[0] == 2);
  CHECK_OK(uq_context_destroy(context));
}

void test_ensemble(void) {
  uq_context* context = uq_test_context();
  /* B = 1, M = 2, C = 2: members p = (3/4, 1/4) and (1/4, 3/4); BMA (1/2, 1/2). */
  double logits[4] = {LN3, 0, 0, LN3};
  int32_t labels[1] = {1};
  double total[1], aleatoric[1], kl[1], difference[1], nll_bma[1];
  int32_t argmax[1];
  uq_test_tensor x, y, o1, o2, o3, o4, o5, o6;
  uq_ensemble_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  outputs.total = uq_tensor(&o1, total, UQ_F64, 1, SHAPE1(1), NULL);
  outputs.aleatoric = uq_tensor(&o2, aleatoric, UQ_F64, 1, SHAPE1(1), NULL);
  outputs.epistemic_kl = uq_tensor(&o3, kl, UQ_F64, 1, SHAPE1(1), NULL);
  outputs.epistemic_difference = uq_tensor(&o4, difference, UQ_F64, 1, SHAPE1(1), NULL);
  outputs.nll_bma = uq_tensor(&o5, nll_bma, UQ_F64, 1, SHAPE1(1), NULL);
  outputs.argmax_bma = uq_tensor(&o6, argmax, UQ_I32, 1, SHAPE1(1), NULL);
  uq_ensemble_options options = UQ_ENSEMBLE_OPTIONS_INIT;
  options.layout = UQ_ENSEMBLE_MEMBER_MAJOR;  /* [M, B, C]: the same numbers with B = 1 */
  CHECK_OK(uq_ensemble_decomposition(context, uq_tensor(&x, logits, UQ_F64, 3, SHAPE3(2, 1, 2), NULL),
                                     uq_tensor(&y, labels, UQ_I32, 1, SHAPE1(1), NULL), &options, &outputs));
  CHECK_NEAR(total[0], LN2, 1e-14);
  CHECK_NEAR(aleatoric[0], H_3_1, 1e-14);
  CHECK_NEAR(kl[0], LN2 - H_3_1, 1e-13);
  CHECK_NEAR(difference[0], LN2 - H_3_1, 1e-13);
  CHECK_NEAR(nll_bma[0], LN2, 1e-14);
  CHECK(argmax[0] == 0);
  CHECK_OK(uq_context_destroy(context));
}

void test_calibration(void) {
  uq_context* context = uq_test_context();
  double confidence[4] = {0.85, 0.85, 0.55, 0.55};
  double correct[4] = {1, 0, 1, 1};
  int64_t counts[10];
  double bin_confidence[10], bin_accuracy[10];
  uq_test_tensor k, c, bc, bf, ba;
  uq_calibration_options options = UQ_CALIBRATION_OPTIONS_INIT;
  options.bins = 10;
  uq_calibration_result result = {sizeof(result), 0, 0, 0, 0, 0, 0};
  uq_calibration_bins bins = {sizeof(bins), 0, uq_tensor(&bc, counts, UQ_I64, 1, SHAPE1(10), NULL),
                              uq_tensor(&bf, bin_confidence, UQ_F64, 1, SHAPE1(10), NULL),
                              uq_tensor(&ba, bin_accuracy, UQ_F64, 1, SHAPE1(10), NULL)};
  CHECK_OK(uq_calibration(context, uq_tensor(&k, confidence, UQ_F64, 1, SHAPE1(4), NULL),
                          uq_tensor(&c, correct, UQ_F64, 1, SHAPE1(4), NULL), &options, &result, &bins));
  CHECK_NEAR(result.ece, 0.4, 1e-14);
  CHECK_NEAR(result.mce, 0.45, 1e-14);
  CHECK_NEAR(result.binary_brier, -0.2875, 1e-14);
  CHECK(result.count == 4 && result.bins == 10);
  CHECK(counts[8] == 2 && counts[5] == 2 && counts[0] == 0);
  CHECK_NEAR(bin_confidence[8], 0.85, 1e-14);
  CHECK_NEAR(bin_accuracy[8], 0.5, 1e-14);
  CHECK_OK(uq_context_destroy(context));
}

void test_semantic(void) {
  uq_context* context = uq_test_context();
  /* One question, answers with probabilities 1/2, 1/4, 1/4 in clusters {0}, {1, 1}. */
  int32_t offsets[2] = {0, 3};
  double ll[3] = {-LN2, -LN4, -LN4};
  int64_t clusters[3] = {7, -3, -3};
  double rao[1], discrete[1], naive[1];
  uq_test_tensor q, l, k, o1, o2, o3;
  uq_semantic_entropy_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0};
  outputs.rao = uq_tensor(&o1, rao, UQ_F64, 1, SHAPE1(1), NULL);
  outputs.discrete = uq_tensor(&o2, discrete, UQ_F64, 1, SHAPE1(1), NULL);
  outputs.naive_predictive = uq_tensor(&o3, naive, UQ_F64, 1, SHAPE1(1), NULL);
  CHECK_OK(uq_semantic_entropy(context, uq_tensor(&q, offsets, UQ_I32, 1, SHAPE1(2), NULL),
                               uq_tensor(&l, ll, UQ_F64, 1, SHAPE1(3), NULL),
                               uq_tensor(&k, clusters, UQ_I64, 1, SHAPE1(3), NULL), NULL, &outputs));
  CHECK_NEAR(rao[0], LN2, 1e-14);
  CHECK_NEAR(discrete[0], -(log(1.0 / 3.0) / 3.0 + 2.0 / 3.0 * log(2.0 / 3.0)), 1e-14);
  CHECK_NEAR(naive[0], (LN2 + 2 * LN4) / 3.0, 1e-14);
  CHECK_OK(uq_context_destroy(context));
}

void test_vmf(void) {
  uq_context* context = uq_test_context();
  /* d = 3: log C = log k - log(4 pi sinh k), A = coth k - 1/k. */
  float kappa[2] = {1.0f, 2.0f};
  int32_t dimensions[2] = {3, 3};
  float log_c[2], a[2], entropy[2];
  uq_test_tensor k, d, o1, o2, o3;
  uq_vmf_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  outputs.log_normalizer = uq_tensor(&o1, log_c, UQ_F32, 1, SHAPE1(2), NULL);
  outputs.mean_resultant_length = uq_tensor(&o2, a, UQ_F32, 1, SHAPE1(2), NULL);
  outputs.entropy = uq_tensor(&o3, entropy, UQ_F32, 1, SHAPE1(2), NULL);
  CHECK_OK(uq_von_mises_fisher(context, uq_tensor(&k, kappa, UQ_F32, 1, SHAPE1(2), NULL), 0,
                               uq_tensor(&d, dimensions, UQ_I32, 1, SHAPE1(2), NULL), &outputs));
  for (int i = 0; i < 2; i++) {
    double kk = kappa[i];
    double expected_log_c = log(kk) - log(4.0 * 3.14159265358979323846 * sinh(kk));
    double expected_a = 1.0 / tanh(kk) - 1.0 / kk;
    CHECK_NEAR(log_c[i], expected_log_c, 4e-6);
    CHECK_NEAR(a[i], expected_a, 1e-6);
    CHECK_NEAR(entropy[i], -expected_log_c - kk * expected_a, 1e-5);
  }
  /* One dimension for all (dimensions NULL). */
  CHECK_OK(uq_von_mises_fisher(context, &k.t, 3, NULL, &outputs));
  CHECK_NEAR(a[1], 1.0 / tanh(2.0) - 0.5, 1e-6);
  CHECK_OK(uq_context_destroy(context));
}

void test_ranking(void) {
  uq_context* context = uq_test_context();
  double scores[5] = {0.1, 0.4, 0.35, 0.8, NAN};
  int64_t labels[5] = {0, 0, 1, 1, 1};
  uq_test_tensor s, y;
  uq_ranking_result result = {sizeof(result), -1, 0, 0, 0, 0, 0};
  CHECK_OK(uq_auroc(context, uq_tensor(&s, scores, UQ_F64, 1, SHAPE1(4), NULL),
                    uq_tensor(&y, labels, UQ_I64, 1, SHAPE1(4), NULL), UQ_NAN_ERROR, &result));
  CHECK(result.status == UQ_RANKING_OK);
  CHECK_NEAR(result.auroc, 0.75, 1e-15);
  CHECK_NEAR(result.average_precision, 0.83333333333333337, 1e-15);
  CHECK(result.positives == 2 && result.negatives == 2 && result.numerator_twice_u == 6);

  /* NaN policies on 5 elements. */
  CHECK_OK(uq_auroc(context, uq_tensor(&s, scores, UQ_F64, 1, SHAPE1(5), NULL),
                    uq_tensor(&y, labels, UQ_I64, 1, SHAPE1(5), NULL), UQ_NAN_OMIT, &result));
  CHECK_NEAR(result.auroc, 0.75, 1e-15);
  CHECK_OK(uq_auroc(context, &s.t, &y.t, UQ_NAN_PROPAGATE, &result));
  CHECK(result.status == UQ_RANKING_NAN_PROPAGATED && isnan(result.auroc));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "scores", uq_auroc(context, &s.t, &y.t, UQ_NAN_ERROR, &result));

  /* Bool labels. */
  uint8_t flags[4] = {0, 0, 1, 1};
  CHECK_OK(uq_auroc(context, uq_tensor(&s, scores, UQ_F64, 1, SHAPE1(4), NULL),
                    uq_tensor(&y, flags, kDLBool, 8, 1, SHAPE1(4), NULL), UQ_NAN_ERROR, &result));
  CHECK_NEAR(result.auroc, 0.75, 1e-15);
  CHECK_OK(uq_context_destroy(context));
}

/* The repository's reference vectors (tests/data): sklearn AUROC and the entropy reference. */
void test_reference(void) {
  uq_context* context = uq_test_context();
  npy_array scores, labels, expected;
  CHECK(npy_load(UQ_TEST_DATA_DIR "/ranking/random_n2000/scores.npy", &scores) == 0);
  CHECK(npy_load(UQ_TEST_DATA_DIR "/ranking/random_n2000/labels.npy", &labels) == 0);
  CHECK(npy_load(UQ_TEST_DATA_DIR "/ranking/random_n2000/auroc.npy", &expected) == 0);
  if (uq_test_failures == 0) {
    double auroc, ap;
    CHECK_OK(uq_auroc_f32(context, (const float*)scores.data, (const uint8_t*)labels.data, scores.count, &auroc, &ap));
    CHECK(auroc == ((const double*)expected.data)[0]);
  }
  npy_free(&scores);
  npy_free(&labels);
  npy_free(&expected);

  npy_array logits, reference;
  CHECK(npy_load(UQ_TEST_DATA_DIR "/eval/single/rand_f32_33x17/logits.npy", &logits) == 0);
  CHECK(npy_load(UQ_TEST_DATA_DIR "/eval/single/rand_f32_33x17/entropy.npy", &reference) == 0);
  if (uq_test_failures == 0) {
    float entropy[33];
    CHECK(logits.shape[0] == 33 && logits.shape[1] == 17);
    CHECK_OK(uq_entropy_f32(context, (const float*)logits.data, 33, 17, entropy));
    for (int i = 0; i < 33; i++) {
      CHECK_NEAR(entropy[i], ((const double*)reference.data)[i], 2e-6);
    }
  }
  npy_free(&logits);
  npy_free(&reference);
  CHECK_OK(uq_context_destroy(context));
}

/* Batched AUROC (a column-major [N, K] view used in place), Spearman / Pearson, selective prediction. */
void test_ranking_batch(void) {
  uq_context* context = uq_test_context();
  /* Column 0 = the test_ranking scores (AUROC 3/4), column 1 = their negation (1/4); stored column after column. */
  float scores[8] = {0.1f, 0.4f, 0.35f, 0.8f, -0.1f, -0.4f, -0.35f, -0.8f};
  uint8_t labels[4] = {0, 0, 1, 1};
  double auroc[2], ap[2];
  int64_t positives[2], numerator[2];
  int32_t status[2];
  uq_test_tensor s, y, o1, o2, o3, o4, o5;
  uq_ranking_batch_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0, 0, 0};
  outputs.auroc = uq_tensor(&o1, auroc, UQ_F64, 1, SHAPE1(2), NULL);
  outputs.average_precision = uq_tensor(&o2, ap, UQ_F64, 1, SHAPE1(2), NULL);
  outputs.positives = uq_tensor(&o3, positives, UQ_I64, 1, SHAPE1(2), NULL);
  outputs.numerator_twice_u = uq_tensor(&o4, numerator, UQ_I64, 1, SHAPE1(2), NULL);
  outputs.status = uq_tensor(&o5, status, UQ_I32, 1, SHAPE1(2), NULL);
  uq_ranking_averages averages = {sizeof(averages), 0, 0, 0, 0, 0};
  CHECK_OK(uq_auroc_columns(context, uq_tensor(&s, scores, UQ_F32, 2, SHAPE2(4, 2), SHAPE2(1, 4)),
                            uq_tensor(&y, labels, UQ_U8, 1, SHAPE1(4), NULL), UQ_NAN_ERROR, 0, &outputs, &averages));
  CHECK_NEAR(auroc[0], 0.75, 1e-15);
  CHECK_NEAR(auroc[1], 0.25, 1e-15);
  CHECK_NEAR(ap[0], 0.83333333333333337, 1e-15);
  CHECK(positives[0] == 2 && positives[1] == 2 && numerator[0] == 6 && numerator[1] == 2);
  CHECK(status[0] == UQ_RANKING_OK && status[1] == UQ_RANKING_OK);
  CHECK_NEAR(averages.macro_auroc, 0.5, 1e-15);
  CHECK_NEAR(averages.weighted_auroc, 0.5, 1e-15);

  /* Spearman of [1, 2, 3, 4] and [1, 3, 2, 4]: 1 - 6 * 2 / (4 * 15) = 0.8; Pearson of a line: 1. */
  double x[4] = {1, 2, 3, 4};
  double yy[4] = {1, 3, 2, 4};
  double line[4] = {2, 4, 6, 8};
  uq_test_tensor tx, ty;
  uq_correlation_result correlation = {sizeof(correlation), -1, 0, 0};
  CHECK_OK(uq_spearman(context, uq_tensor(&tx, x, UQ_F64, 1, SHAPE1(4), NULL),
                       uq_tensor(&ty, yy, UQ_F64, 1, SHAPE1(4), NULL), UQ_SPEARMAN_MIDRANK, UQ_NAN_ERROR, &correlation));
  CHECK_NEAR(correlation.coefficient, 0.8, 1e-15);
  CHECK(correlation.status == UQ_CORRELATION_OK && correlation.count == 4);
  CHECK_OK(uq_pearson(context, &tx.t, uq_tensor(&ty, line, UQ_F64, 1, SHAPE1(4), NULL), UQ_NAN_ERROR, &correlation));
  CHECK_NEAR(correlation.coefficient, 1.0, 1e-15);
  CHECK_STATUS(UQ_ERR_UNSUPPORTED_DTYPE, "y",
               uq_pearson(context, &tx.t, uq_tensor(&ty, scores, UQ_F32, 1, SHAPE1(4), NULL), UQ_NAN_ERROR,
                          &correlation));

  /* Selective prediction, perfectly ranked: AURC = (1/4)(0 + 0 + 1/3 + 2/4) = oracle; coverage at 95 % = 1/2. */
  double uncertainty[4] = {0.1, 0.2, 0.3, 0.4};
  double correct[4] = {1, 1, 0, 0};
  double targets[1] = {0.95};
  double parity[1], corrected[1];
  uq_test_tensor tu, tc, tt, op, oc;
  uq_selective_prediction_options options = UQ_SELECTIVE_PREDICTION_OPTIONS_INIT;
  options.accuracy_targets = uq_tensor(&tt, targets, UQ_F64, 1, SHAPE1(1), NULL);
  uq_selective_prediction_result result = {sizeof(result), -1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  uq_selective_coverage coverage = {sizeof(coverage), 0, uq_tensor(&op, parity, UQ_F64, 1, SHAPE1(1), NULL),
                                    uq_tensor(&oc, corrected, UQ_F64, 1, SHAPE1(1), NULL)};
  CHECK_OK(uq_selective_prediction(context, uq_tensor(&tu, uncertainty, UQ_F64, 1, SHAPE1(4), NULL),
                                   uq_tensor(&tc, correct, UQ_F64, 1, SHAPE1(4), NULL), &options, &result, &coverage));
  CHECK(result.status == UQ_SELECTIVE_OK && result.count == 4);
  CHECK_NEAR(result.aurc, (1.0 / 3.0 + 0.5) / 4.0, 1e-15);
  CHECK_NEAR(result.oracle_aurc, result.aurc, 1e-15);
  CHECK_NEAR(result.error_rate, 0.5, 1e-15);
  CHECK_NEAR(corrected[0], 0.5, 1e-15);
  CHECK_OK(uq_context_destroy(context));
}
