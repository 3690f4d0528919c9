/* The kernels appended in ABI 1.1: one-vs-rest / segment AUROC, Recall@1, vMF pairs and the vMF sampler. Each case
 * checks a happy path against the repository's reference data (tests/data) or structural identities, and an error
 * path whose message names the argument. */
#include <stdint.h>

#include "npy.h"
#include "uq_test.h"

/* Loads `count` files of one reference case; returns 0 when all loaded. */
static int load_case(const char* directory, const char* const* names, npy_array* arrays, int count) {
  int failed = 0;
  for (int i = 0; i < count; i++) {
    char path[512];
    snprintf(path, sizeof(path), "%s/%s/%s.npy", UQ_TEST_DATA_DIR, directory, names[i]);
    if (npy_load(path, &arrays[i]) != 0) {
      fprintf(stderr, "cannot load %s\n", path);
      failed = 1;
    }
  }
  CHECK(failed == 0);
  return failed;
}

static void free_case(npy_array* arrays, int count) {
  for (int i = 0; i < count; i++) {
    npy_free(&arrays[i]);
  }
}

/* uq_auroc_one_vs_rest on tests/data/ranking_batched/ovr_random (sklearn per-class AUROC / AP). */
void test_ranking_ovr(void) {
  uq_context* context = uq_test_context();
  static const char* const names[] = {"scores", "labels", "auroc", "ap"};
  npy_array a[4];
  memset(a, 0, sizeof(a));
  if (load_case("ranking_batched/ovr_random", names, a, 4) == 0) {
    int64_t n = a[0].shape[0], classes = a[0].shape[1];
    double auroc[16], ap[16];
    int32_t status[16];
    CHECK(classes <= 16);
    uq_test_tensor p, y, o1, o2, o3;
    uq_ranking_batch_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0, 0, 0};
    outputs.auroc = uq_tensor(&o1, auroc, UQ_F64, 1, SHAPE1(classes), NULL);
    outputs.average_precision = uq_tensor(&o2, ap, UQ_F64, 1, SHAPE1(classes), NULL);
    outputs.status = uq_tensor(&o3, status, UQ_I32, 1, SHAPE1(classes), NULL);
    uq_ranking_averages averages = {sizeof(averages), 0, 0, 0, 0, 0};
    CHECK_OK(uq_auroc_one_vs_rest(context, uq_tensor(&p, a[0].data, UQ_F32, 2, SHAPE2(n, classes), NULL),
                                  uq_tensor(&y, a[1].data, UQ_I32, 1, SHAPE1(n), NULL), UQ_NAN_ERROR, 0, &outputs,
                                  &averages));
    double macro = 0;
    for (int64_t c = 0; c < classes; c++) {
      CHECK_NEAR(auroc[c], ((const double*)a[2].data)[c], 1e-12);
      CHECK_NEAR(ap[c], ((const double*)a[3].data)[c], 1e-12);
      CHECK(status[c] == UQ_RANKING_OK);
      macro += ((const double*)a[2].data)[c] / (double)classes;
    }
    CHECK_NEAR(averages.macro_auroc, macro, 1e-12);

    /* A label outside [0, C) names labels. */
    int32_t bad[2] = {0, 9};
    float two[4] = {0.5f, 0.5f, 0.2f, 0.8f};
    outputs.auroc = uq_tensor(&o1, auroc, UQ_F64, 1, SHAPE1(2), NULL);
    outputs.average_precision = NULL;
    outputs.status = NULL;
    CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "labels",
                 uq_auroc_one_vs_rest(context, uq_tensor(&p, two, UQ_F32, 2, SHAPE2(2, 2), NULL),
                                      uq_tensor(&y, bad, UQ_I32, 1, SHAPE1(2), NULL), UQ_NAN_ERROR, 0, &outputs,
                                      NULL));
  }
  free_case(a, 4);
  CHECK_OK(uq_context_destroy(context));
}

/* uq_auroc_segments on tests/data/ranking_batched/segments_mixed (one-class, empty and tied segments included). */
void test_ranking_segments(void) {
  uq_context* context = uq_test_context();
  static const char* const names[] = {"scores", "labels", "offsets", "auroc", "ap"};
  npy_array a[5];
  memset(a, 0, sizeof(a));
  if (load_case("ranking_batched/segments_mixed", names, a, 5) == 0) {
    int64_t n = a[0].shape[0], segments = a[2].shape[0] - 1;
    double auroc[16];
    int32_t status[16];
    CHECK(segments <= 16);
    uq_test_tensor s, y, o, o1, o2;
    uq_ranking_batch_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0, 0, 0};
    outputs.auroc = uq_tensor(&o1, auroc, UQ_F64, 1, SHAPE1(segments), NULL);
    outputs.status = uq_tensor(&o2, status, UQ_I32, 1, SHAPE1(segments), NULL);
    uq_ranking_averages averages = {sizeof(averages), 0, 0, 0, 0, 0};
    CHECK_OK(uq_auroc_segments(context, uq_tensor(&s, a[0].data, UQ_F32, 1, SHAPE1(n), NULL),
                               uq_tensor(&y, a[1].data, UQ_U8, 1, SHAPE1(n), NULL),
                               uq_tensor(&o, a[2].data, UQ_I32, 1, SHAPE1(segments + 1), NULL), UQ_NAN_ERROR, 1,
                               &outputs, &averages));
    for (int64_t k = 0; k < segments; k++) {
      double expected = ((const double*)a[3].data)[k];
      if (isnan(expected)) {
        CHECK(isnan(auroc[k]) && status[k] != UQ_RANKING_OK);
      } else {
        CHECK_NEAR(auroc[k], expected, 1e-12);
      }
    }
    CHECK(status[3] == UQ_RANKING_ONE_CLASS && status[5] == UQ_RANKING_EMPTY);
    CHECK_NEAR(averages.macro_auroc, 0.570915358715336, 1e-12);  /* meta.json: macro_auroc_ignoring_undefined */

    /* Decreasing offsets name offsets. */
    int32_t decreasing[3] = {0, 5, 2};
    outputs.auroc = uq_tensor(&o1, auroc, UQ_F64, 1, SHAPE1(2), NULL);
    outputs.status = NULL;
    CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "offsets",
                 uq_auroc_segments(context, &s.t, &y.t, uq_tensor(&o, decreasing, UQ_I32, 1, SHAPE1(3), NULL),
                                   UQ_NAN_ERROR, 0, &outputs, NULL));
  }
  free_case(a, 5);
  CHECK_OK(uq_context_destroy(context));
}

/* uq_recall_at_one on tests/data/ranking_selective/recall_at_one/clustered_n64_d32_dups (exact duplicates included). */
void test_recall_at_one(void) {
  uq_context* context = uq_test_context();
  static const char* const names[] = {"features", "classes", "u", "nearest", "correct"};
  npy_array a[5];
  memset(a, 0, sizeof(a));
  if (load_case("ranking_selective/recall_at_one/clustered_n64_d32_dups", names, a, 5) == 0) {
    int64_t n = a[0].shape[0], d = a[0].shape[1];
    int32_t nearest[64];
    uint8_t correct[64];
    CHECK(n == 64);
    uq_test_tensor f, c, u, o1, o2;
    uq_recall_at_one_outputs outputs = {sizeof(outputs), 0, uq_tensor(&o1, nearest, UQ_I32, 1, SHAPE1(n), NULL),
                                        uq_tensor(&o2, correct, UQ_U8, 1, SHAPE1(n), NULL)};
    uq_recall_at_one_result result = {sizeof(result), -1, 0, 0, 0, 0, 0, 0, 0};
    CHECK_OK(uq_recall_at_one(context, uq_tensor(&f, a[0].data, UQ_F32, 2, SHAPE2(n, d), NULL),
                              uq_tensor(&c, a[1].data, UQ_I32, 1, SHAPE1(n), NULL),
                              uq_tensor(&u, a[2].data, UQ_F32, 1, SHAPE1(n), NULL), UQ_NAN_ERROR, &outputs, &result));
    CHECK(memcmp(nearest, a[3].data, sizeof(nearest)) == 0);
    CHECK(memcmp(correct, a[4].data, sizeof(correct)) == 0);
    CHECK(result.count == 64 && result.correct == 58 && result.r_auroc_status == UQ_RANKING_OK);
    CHECK_NEAR(result.recall_at_one, 0.90625, 1e-15);
    CHECK_NEAR(result.r_auroc, 0.43965517241379304, 1e-12);

    /* Without uncertainty: R-AUROC is NaN with status EMPTY. */
    CHECK_OK(uq_recall_at_one(context, &f.t, &c.t, NULL, UQ_NAN_ERROR, NULL, &result));
    CHECK(isnan(result.r_auroc) && result.r_auroc_status == UQ_RANKING_EMPTY && result.correct == 58);

    /* classes of the wrong length name classes. */
    CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "classes",
                 uq_recall_at_one(context, &f.t, uq_tensor(&c, a[1].data, UQ_I32, 1, SHAPE1(n - 1), NULL), NULL,
                                  UQ_NAN_ERROR, NULL, &result));
  }
  free_case(a, 5);
  CHECK_OK(uq_context_destroy(context));
}

/* The vMF pair operations on tests/data/vmf pair_* (mpmath references), one element per call (d varies). */
void test_vmf_pair(void) {
  uq_context* context = uq_test_context();
  static const char* const names[] = {"pair_d", "pair_kappa1", "pair_kappa2", "pair_one_minus_cos", "pair_rho",
                                      "pair_kl", "pair_elk", "pair_log_density"};
  npy_array a[8];
  memset(a, 0, sizeof(a));
  if (load_case("vmf", names, a, 8) == 0) {
    const int32_t* d = (const int32_t*)a[0].data;
    double* k1 = (double*)a[1].data;
    double* k2 = (double*)a[2].data;
    double* gap = (double*)a[3].data;
    const double* rho = (const double*)a[4].data;
    for (int64_t i = 0; i < a[0].count; i++) {
      double kl = 0, elk = 0, log_p = 0;
      uq_test_tensor tk1, tk2, tc, o1, o2, o3;
      uq_tensor(&tk1, &k1[i], UQ_F64, 1, SHAPE1(1), NULL);
      uq_tensor(&tk2, &k2[i], UQ_F64, 1, SHAPE1(1), NULL);
      uq_tensor(&tc, &gap[i], UQ_F64, 1, SHAPE1(1), NULL);
      uq_vmf_kl_outputs kl_out = {sizeof(kl_out), 0, uq_tensor(&o1, &kl, UQ_F64, 1, SHAPE1(1), NULL), NULL, NULL};
      CHECK_OK(uq_vmf_kl_divergence(context, &tk1.t, &tk2.t, &tc.t, NULL, NULL, d[i], &kl_out));
      CHECK_NEAR(kl, ((const double*)a[5].data)[i], 1e-11);
      CHECK_OK(uq_vmf_expected_likelihood_kernel(context, &tk1.t, &tk2.t, &tc.t, NULL, NULL, d[i], rho[i],
                                                 uq_tensor(&o2, &elk, UQ_F64, 1, SHAPE1(1), NULL)));
      /* Accuracy is relative to the O(kappa) terms whose difference the kernel is. */
      double elk_expected = ((const double*)a[6].data)[i];
      if (!(fabs(elk - elk_expected) <= 1e-11 * fmax(1.0, fabs(elk_expected) + k1[i] + k2[i]))) {
        fprintf(stderr, "vmf_pair elk[%ld] = %.17g, expected %.17g\n", (long)i, elk, elk_expected);
        uq_test_failures++;
      }
      uq_vmf_log_density_outputs ld_out = {sizeof(ld_out), 0, uq_tensor(&o3, &log_p, UQ_F64, 1, SHAPE1(1), NULL),
                                           NULL};
      CHECK_OK(uq_vmf_log_density(context, &tk1.t, &tc.t, NULL, NULL, d[i], &ld_out));
      CHECK_NEAR(log_p, ((const double*)a[7].data)[i], 1e-12);
    }
  }
  free_case(a, 8);

  /* Unit-vector form = cosine form; both forms at once, or a negative kappa, name the argument. */
  double mu1[2][3] = {{1, 0, 0}, {0, 0.6, 0.8}};
  double mu2[2][3] = {{0, 1, 0}, {0, 0.8, 0.6}};
  double gaps[2] = {1.0, 0.04};  /* ||mu1 - mu2||^2 / 2 */
  double kappa1[2] = {2.0, 30.0}, kappa2[2] = {5.0, 10.0}, negative[2] = {2.0, -1.0};
  double from_gap[2], from_vectors[2];
  uq_test_tensor tk1, tk2, tc, tm1, tm2, o;
  uq_vmf_kl_outputs outputs = {sizeof(outputs), 0, uq_tensor(&o, from_gap, UQ_F64, 1, SHAPE1(2), NULL), NULL, NULL};
  CHECK_OK(uq_vmf_kl_divergence(context, uq_tensor(&tk1, kappa1, UQ_F64, 1, SHAPE1(2), NULL),
                                uq_tensor(&tk2, kappa2, UQ_F64, 1, SHAPE1(2), NULL),
                                uq_tensor(&tc, gaps, UQ_F64, 1, SHAPE1(2), NULL), NULL, NULL, 3, &outputs));
  outputs.divergence = uq_tensor(&o, from_vectors, UQ_F64, 1, SHAPE1(2), NULL);
  CHECK_OK(uq_vmf_kl_divergence(context, &tk1.t, &tk2.t, NULL, uq_tensor(&tm1, mu1, UQ_F64, 2, SHAPE2(2, 3), NULL),
                                uq_tensor(&tm2, mu2, UQ_F64, 2, SHAPE2(2, 3), NULL), 3, &outputs));
  CHECK_NEAR(from_vectors[0], from_gap[0], 1e-13);
  CHECK_NEAR(from_vectors[1], from_gap[1], 1e-12);
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "mu1",
               uq_vmf_kl_divergence(context, &tk1.t, &tk2.t, &tc.t, &tm1.t, &tm2.t, 3, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "kappa2",
               uq_vmf_kl_divergence(context, &tk1.t, uq_tensor(&tk2, negative, UQ_F64, 1, SHAPE1(2), NULL), &tc.t,
                                    NULL, NULL, 3, &outputs));
  CHECK_OK(uq_context_destroy(context));
}

/* uq_vmf_sample / uq_vmf_sample_backward: unit samples, cosines = mu . x, determinism per seed, tangent dL/dmu. */
void test_vmf_sample(void) {
  uq_context* context = uq_test_context();
  enum { N = 3, S = 5, D = 4 };
  double mu[N][D] = {{1, 0, 0, 0}, {0, 0.6, 0.8, 0}, {0.5, 0.5, 0.5, 0.5}};
  double kappa[N] = {0.0, 3.0, 200.0};
  double x[N][S][D], again[N][S][D], w[N][S];
  int32_t proposals[N][S];
  uq_test_tensor tm, tk, ox, ow, op, oa;
  uq_tensor(&tm, mu, UQ_F64, 2, SHAPE2(N, D), NULL);
  uq_tensor(&tk, kappa, UQ_F64, 1, SHAPE1(N), NULL);
  uq_vmf_sample_options options = UQ_VMF_SAMPLE_OPTIONS_INIT;
  options.samples = S;
  options.seed = 42;
  options.offset = 7;
  uq_vmf_sample_outputs outputs = {sizeof(outputs), 0, uq_tensor(&ox, x, UQ_F64, 3, SHAPE3(N, S, D), NULL),
                                   uq_tensor(&ow, w, UQ_F64, 2, SHAPE2(N, S), NULL),
                                   uq_tensor(&op, proposals, UQ_I32, 2, SHAPE2(N, S), NULL)};
  CHECK_OK(uq_vmf_sample(context, &tm.t, &tk.t, &options, &outputs));
  for (int i = 0; i < N; i++) {
    for (int s = 0; s < S; s++) {
      double norm = 0, dot = 0;
      for (int j = 0; j < D; j++) {
        norm += x[i][s][j] * x[i][s][j];
        dot += x[i][s][j] * mu[i][j];
      }
      CHECK_NEAR(sqrt(norm), 1.0, 1e-13);
      CHECK_NEAR(dot, w[i][s], 1e-12);
      CHECK(proposals[i][s] >= 1);
    }
  }
  outputs.samples = uq_tensor(&oa, again, UQ_F64, 3, SHAPE3(N, S, D), NULL);
  outputs.cosines = NULL;
  outputs.proposals = NULL;
  CHECK_OK(uq_vmf_sample(context, &tm.t, &tk.t, &options, &outputs));
  CHECK(memcmp(x, again, sizeof(x)) == 0);
  options.seed = 43;
  CHECK_OK(uq_vmf_sample(context, &tm.t, &tk.t, &options, &outputs));
  CHECK(memcmp(x, again, sizeof(x)) != 0);
  options.seed = 42;

  /* Backward of L = sum x: dL/dmu is tangent to the sphere at mu. */
  double upstream[N][S][D], grad_mu[N][D], grad_kappa[N];
  for (int i = 0; i < N * S * D; i++) {
    ((double*)upstream)[i] = 1.0;
  }
  uq_test_tensor tg, gm, gk;
  uq_vmf_sample_gradients gradients = {sizeof(gradients), 0, uq_tensor(&gm, grad_mu, UQ_F64, 2, SHAPE2(N, D), NULL),
                                       uq_tensor(&gk, grad_kappa, UQ_F64, 1, SHAPE1(N), NULL)};
  CHECK_OK(uq_vmf_sample_backward(context, &tm.t, &tk.t, &options,
                                  uq_tensor(&tg, upstream, UQ_F64, 3, SHAPE3(N, S, D), NULL),
                                  UQ_VMF_GRADIENT_IMPLICIT, &gradients));
  for (int i = 0; i < N; i++) {
    double radial = 0;
    for (int j = 0; j < D; j++) {
      radial += grad_mu[i][j] * mu[i][j];
    }
    CHECK_NEAR(radial, 0.0, 1e-10);
    CHECK(isfinite(grad_kappa[i]));
  }

  /* Errors: zero samples, a non-unit mu row, an undefined gradient mode. */
  options.samples = 0;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "options->samples", uq_vmf_sample(context, &tm.t, &tk.t, &options, &outputs));
  options.samples = S;
  mu[1][0] = 1.0;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "mu", uq_vmf_sample(context, &tm.t, &tk.t, &options, &outputs));
  mu[1][0] = 0.0;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "gradient_mode",
               uq_vmf_sample_backward(context, &tm.t, &tk.t, &options, &tg.t, 7, &gradients));
  CHECK_OK(uq_context_destroy(context));
}
