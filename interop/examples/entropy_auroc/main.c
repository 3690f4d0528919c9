/*
 * entropy_auroc: how well does predictive entropy flag a classifier's mistakes?
 *
 *   entropy_auroc logits.npy labels.npy [expected_auroc]
 *
 * Reads logits [N, C] (float32) and labels [N] (int32 or int64) from .npy files, computes each row's entropy and
 * arg-max with uq_row_statistics, marks the rows the classifier got wrong, and scores the entropy as a detector of
 * those errors with uq_auroc (higher entropy = more likely wrong). With a third argument it checks the AUROC.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "npy.h"
#include "uqkernels.h"

static int fail(const char* what, uq_status status) {
  fprintf(stderr, "%s failed: %s: %s\n", what, uq_status_string(status), uq_last_error_message());
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s logits.npy labels.npy [expected_auroc]\n", argv[0]);
    return 2;
  }
  if ((uq_get_version() >> 16) != UQ_ABI_VERSION_MAJOR) {
    fprintf(stderr, "libuqkernels ABI %u does not match this header's %u: %s\n", uq_get_version() >> 16,
            UQ_ABI_VERSION_MAJOR, uq_last_error_message());
    return 1;
  }
  npy_array logits, labels;
  if (npy_load(argv[1], &logits) != 0 || npy_load(argv[2], &labels) != 0) {
    return 1;
  }
  if (logits.ndim != 2 || logits.dtype[0] != 'f' || logits.item_size != 4 || labels.count != logits.shape[0] ||
      labels.dtype[0] != 'i') {
    fprintf(stderr, "expected float32 logits [N, C] and integer labels [N]\n");
    return 1;
  }
  int64_t rows = logits.shape[0];

  uq_context* context = NULL;
  uq_status status = uq_context_create(NULL, &context); /* auto: a GPU when there is one, else the SIMD CPU */
  if (status != UQ_OK) {
    return fail("uq_context_create", status);
  }
  uq_context_info info = {sizeof(info), 0, 0, 0, {0}};
  uq_context_get_info(context, &info);

  float* entropy = malloc(sizeof(float) * (size_t)rows);
  int32_t* argmax = malloc(sizeof(int32_t) * (size_t)rows);
  uint8_t* wrong = malloc((size_t)rows);
  int64_t out_shape[1] = {rows};
  DLTensor x = {logits.data, {kDLCPU, 0}, 2, {kDLFloat, 32, 1}, logits.shape, NULL, 0};
  DLTensor y = {labels.data, {kDLCPU, 0}, 1, {kDLInt, (uint8_t)(labels.item_size * 8), 1}, labels.shape, NULL, 0};
  DLTensor h = {entropy, {kDLCPU, 0}, 1, {kDLFloat, 32, 1}, out_shape, NULL, 0};
  DLTensor a = {argmax, {kDLCPU, 0}, 1, {kDLInt, 32, 1}, out_shape, NULL, 0};
  uq_row_statistics_outputs outputs = {sizeof(outputs), 0, NULL, &h, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                       &a};
  status = uq_row_statistics(context, &x, &y, NULL, &outputs);
  if (status != UQ_OK) {
    return fail("uq_row_statistics", status);
  }

  int64_t errors = 0;
  for (int64_t i = 0; i < rows; i++) {
    int64_t label = labels.item_size == 8 ? ((int64_t*)labels.data)[i] : ((int32_t*)labels.data)[i];
    wrong[i] = argmax[i] != label;
    errors += wrong[i];
  }
  double auroc = NAN, average_precision = NAN;
  status = uq_auroc_f32(context, entropy, wrong, rows, &auroc, &average_precision);
  if (status != UQ_OK) {
    return fail("uq_auroc_f32", status);
  }
  printf("%s (%s): %lld rows x %lld classes, %lld errors; entropy as error detector: AUROC %.6f, AP %.6f\n",
         info.device_name, info.backend == UQ_BACKEND_CPU ? "cpu" : "gpu", (long long)rows,
         (long long)logits.shape[1], (long long)errors, auroc, average_precision);

  int result = 0;
  if (argc > 3 && fabs(auroc - atof(argv[3])) > 1e-12) {
    fprintf(stderr, "AUROC %.17g differs from the expected %s\n", auroc, argv[3]);
    result = 1;
  }
  uq_context_destroy(context);
  free(entropy);
  free(argmax);
  free(wrong);
  npy_free(&logits);
  npy_free(&labels);
  return result;
}
