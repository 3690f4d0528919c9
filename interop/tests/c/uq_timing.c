#define _POSIX_C_SOURCE 200809L
/*
 * uq_timing <label> [iterations]: cold start and per-call overhead of a libuqkernels.so (bench/results/interop.md).
 * Cold start = the first uq_ call (runtime boot for the hosted shim), the first context, the first kernel call.
 * Per call = a trivial function (uq_get_version: the pure transition), uq_context_get_info (handle lookup + struct
 * write) and a 1 x 2 entropy through the flat and the DLTensor entry points (validation + the managed operation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "uqkernels.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
  const char* label = argc > 1 ? argv[1] : "library";
  long iterations = argc > 2 ? atol(argv[2]) : 1000000;
  double t0 = now_ms();
  uint32_t version = uq_get_version();
  double t1 = now_ms();
  uq_context_options options = UQ_CONTEXT_OPTIONS_INIT;
  options.backend = UQ_BACKEND_CPU;
  uq_context* context = NULL;
  if (version != UQ_ABI_VERSION || uq_context_create(&options, &context) != UQ_OK) {
    fprintf(stderr, "%s: cannot start: %s\n", label, uq_last_error_message());
    return 1;
  }
  double t2 = now_ms();
  float logits[2] = {0.5f, -0.5f};
  float entropy[1];
  if (uq_entropy_f32(context, logits, 1, 2, entropy) != UQ_OK) {
    fprintf(stderr, "%s: %s\n", label, uq_last_error_message());
    return 1;
  }
  double t3 = now_ms();

  volatile uint32_t sink = 0;
  double a = now_ms();
  for (long i = 0; i < iterations; i++) {
    sink += uq_get_version();
  }
  double version_ns = (now_ms() - a) * 1e6 / iterations;

  uq_context_info info = {sizeof(info), 0, 0, 0, {0}};
  a = now_ms();
  for (long i = 0; i < iterations; i++) {
    uq_context_get_info(context, &info);
  }
  double info_ns = (now_ms() - a) * 1e6 / iterations;

  a = now_ms();
  for (long i = 0; i < iterations; i++) {
    uq_entropy_f32(context, logits, 1, 2, entropy);
  }
  double flat_ns = (now_ms() - a) * 1e6 / iterations;

  int64_t shape[2] = {1, 2};
  int64_t out_shape[1] = {1};
  DLTensor x = {logits, {kDLCPU, 0}, 2, {kDLFloat, 32, 1}, shape, NULL, 0};
  DLTensor h = {entropy, {kDLCPU, 0}, 1, {kDLFloat, 32, 1}, out_shape, NULL, 0};
  uq_row_statistics_outputs outputs = {sizeof(outputs), 0, NULL, &h, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                       NULL};
  a = now_ms();
  for (long i = 0; i < iterations; i++) {
    uq_row_statistics(context, &x, NULL, NULL, &outputs);
  }
  double tensor_ns = (now_ms() - a) * 1e6 / iterations;
  uq_context_destroy(context);

  printf("%s: first call (runtime start) %.1f ms, first context %.1f ms, first kernel call %.1f ms; "
         "per call: uq_get_version %.1f ns, uq_context_get_info %.0f ns, uq_entropy_f32 (1x2) %.0f ns, uq_row_statistics DLTensor (1x2) %.0f ns "
         "[%ld iterations]\n",
         label, t1 - t0, t2 - t1, t3 - t2, version_ns, info_ns, flat_ns, tensor_ns, iterations);
  return (int)(sink == 0 && iterations > 0);
}
