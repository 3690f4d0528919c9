/* Shared helpers of the C test suite (run against both deliveries: the hosted shim and the NativeAOT library). */
#ifndef UQ_TEST_H_
#define UQ_TEST_H_

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uqkernels.h"

extern int uq_test_failures;

#define CHECK(condition)                                                                     \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition);          \
      uq_test_failures++;                                                                    \
    }                                                                                        \
  } while (0)

/* A call that must succeed; prints the library's message otherwise. */
#define CHECK_OK(call)                                                                       \
  do {                                                                                       \
    uq_status status_ = (call);                                                              \
    if (status_ != UQ_OK) {                                                                  \
      fprintf(stderr, "%s:%d: %s returned %s: %s\n", __FILE__, __LINE__, #call,              \
              uq_status_string(status_), uq_last_error_message());                           \
      uq_test_failures++;                                                                    \
    }                                                                                        \
  } while (0)

/* A call that must fail with `expected` and a message containing `needle`. */
#define CHECK_STATUS(expected, needle, call)                                                 \
  do {                                                                                       \
    uq_status status_ = (call);                                                              \
    const char* message_ = uq_last_error_message();                                          \
    if (status_ != (expected) || message_ == NULL || strstr(message_, (needle)) == NULL) {  \
      fprintf(stderr, "%s:%d: %s returned %s (expected %s) with message \"%s\" (expected to contain \"%s\")\n", \
              __FILE__, __LINE__, #call, uq_status_string(status_), uq_status_string(expected),              \
              message_ ? message_ : "(null)", (needle));                                      \
      uq_test_failures++;                                                                    \
    }                                                                                        \
  } while (0)

#define CHECK_NEAR(actual, expected, tolerance)                                              \
  do {                                                                                       \
    double a_ = (double)(actual), e_ = (double)(expected);                                   \
    if (!(fabs(a_ - e_) <= (tolerance) * fmax(1.0, fabs(e_)))) {                              \
      fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (tolerance %g)\n", __FILE__, __LINE__, \
              #actual, a_, e_, (double)(tolerance));                                         \
      uq_test_failures++;                                                                    \
    }                                                                                        \
  } while (0)

/* A DLTensor with its own shape and strides storage. */
typedef struct uq_test_tensor {
  DLTensor t;
  int64_t shape[4];
  int64_t strides[4];
} uq_test_tensor;

/* kDLCPU tensor; `strides` NULL = row-major. Returns &x->t. */
static inline DLTensor* uq_tensor(uq_test_tensor* x, void* data, uint8_t code, uint8_t bits, int32_t ndim,
                                  const int64_t* shape, const int64_t* strides) {
  memset(x, 0, sizeof(*x));
  x->t.data = data;
  x->t.device.device_type = kDLCPU;
  x->t.ndim = ndim;
  x->t.dtype.code = code;
  x->t.dtype.bits = bits;
  x->t.dtype.lanes = 1;
  for (int32_t i = 0; i < ndim && i < 4; i++) {
    x->shape[i] = shape[i];
    if (strides != NULL) {
      x->strides[i] = strides[i];
    }
  }
  x->t.shape = x->shape;
  x->t.strides = strides != NULL ? x->strides : NULL;
  return &x->t;
}

#define UQ_F32 kDLFloat, 32
#define UQ_F64 kDLFloat, 64
#define UQ_I32 kDLInt, 32
#define UQ_I64 kDLInt, 64
#define UQ_U8 kDLUInt, 8

/* 1-D and 2-D shorthands. */
#define SHAPE1(a) ((const int64_t[]){(a)})
#define SHAPE2(a, b) ((const int64_t[]){(a), (b)})
#define SHAPE3(a, b, c) ((const int64_t[]){(a), (b), (c)})

/* A context on the requested backend (cpu unless UQ_TEST_BACKEND says otherwise); aborts the test on failure. */
uq_context* uq_test_context(void);

/* 1 when testing the NativeAOT library. */
int uq_test_is_aot(void);

/* Test cases (uq_test_cases.c, uq_test_errors.c, uq_test_threads.c). */
void test_version(void);
void test_context(void);
void test_row_statistics(void);
void test_flat(void);
void test_strides(void);
void test_soft_target(void);
void test_token(void);
void test_ensemble(void);
void test_calibration(void);
void test_semantic(void);
void test_vmf(void);
void test_ranking(void);
void test_reference(void);
void test_ranking_batch(void);
void test_errors(void);
void test_runtime_unavailable(void);
void test_threads(void);
void test_lifecycle(void);
void test_ranking_ovr(void);
void test_ranking_segments(void);
void test_recall_at_one(void);
void test_vmf_pair(void);
void test_vmf_sample(void);

#endif /* UQ_TEST_H_ */
