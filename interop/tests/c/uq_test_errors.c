/* Every error status, the argument named in the message, and "nothing written on error". */
#include <stdint.h>

#include "uq_test.h"

void test_errors(void) {
  uq_context* context = uq_test_context();
  float logits[4] = {0, 0, 1, 0};
  int32_t labels[2] = {0, 1};
  float entropy[2] = {-7, -7};
  double entropy64[2] = {-7, -7};
  uq_test_tensor gx, x, y, o, o64;
  uq_row_statistics_outputs outputs = {sizeof(outputs), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  outputs.entropy = uq_tensor(&o, entropy, UQ_F32, 1, SHAPE1(2), NULL);
  DLTensor* good = uq_tensor(&gx, logits, UQ_F32, 2, SHAPE2(2, 2), NULL);

  /* NULL handles, tensors, data, shape, outputs. */
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "context", uq_row_statistics(NULL, good, NULL, NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "logits", uq_row_statistics(context, NULL, NULL, NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "outputs", uq_row_statistics(context, good, NULL, NULL, NULL));
  uq_row_statistics_outputs none = {sizeof(none), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "No output", uq_row_statistics(context, good, NULL, NULL, &none));
  uq_tensor(&x, NULL, UQ_F32, 2, SHAPE2(2, 2), NULL);
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "logits.data", uq_row_statistics(context, &x.t, NULL, NULL, &outputs));
  x.t.data = logits;
  x.t.shape = NULL;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "logits.shape", uq_row_statistics(context, &x.t, NULL, NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "entropy", uq_entropy_f32(context, logits, 2, 2, NULL));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "context", uq_context_create(NULL, NULL));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "info", uq_context_get_info(context, NULL));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "ece", uq_calibration_f32(context, logits, logits, 4, 10, NULL, NULL));

  /* Dtype, lanes, ndim, device. */
  int32_t ints[4] = {0};
  CHECK_STATUS(UQ_ERR_UNSUPPORTED_DTYPE, "int32",
               uq_row_statistics(context, uq_tensor(&x, ints, UQ_I32, 2, SHAPE2(2, 2), NULL), NULL, NULL, &outputs));
  uq_tensor(&x, logits, UQ_F32, 2, SHAPE2(2, 2), NULL)->dtype.lanes = 2;
  CHECK_STATUS(UQ_ERR_UNSUPPORTED_DTYPE, "lanes", uq_row_statistics(context, &x.t, NULL, NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "ndim",
               uq_row_statistics(context, uq_tensor(&x, logits, UQ_F32, 1, SHAPE1(4), NULL), NULL, NULL, &outputs));
  uq_tensor(&x, logits, UQ_F32, 2, SHAPE2(2, 2), NULL)->device.device_type = kDLCUDA;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "kDLCUDA", uq_row_statistics(context, &x.t, NULL, NULL, &outputs));
  x.t.device.device_type = kDLOpenCL;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "kDLCPU", uq_row_statistics(context, &x.t, NULL, NULL, &outputs));
  /* f64 outputs for f32 logits. */
  outputs.entropy = uq_tensor(&o64, entropy64, UQ_F64, 1, SHAPE1(2), NULL);
  CHECK_STATUS(UQ_ERR_UNSUPPORTED_DTYPE, "outputs->entropy", uq_row_statistics(context, good, NULL, NULL, &outputs));
  outputs.entropy = uq_tensor(&o, entropy, UQ_F32, 1, SHAPE1(2), NULL);
  double targets64[4] = {0};
  uq_test_tensor t64, d;
  CHECK_STATUS(UQ_ERR_UNSUPPORTED_DTYPE, "targets",
               uq_soft_target_cross_entropy(context, good, uq_tensor(&t64, targets64, UQ_F64, 2, SHAPE2(2, 2), NULL),
                                            uq_tensor(&d, entropy, UQ_F32, 1, SHAPE1(2), NULL)));

  /* Sizes: zero, negative, mismatched, overflowing, too many elements; negative strides. */
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "at least 1",
               uq_row_statistics(context, uq_tensor(&x, logits, UQ_F32, 2, SHAPE2(0, 2), NULL), NULL, NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "at least 1", uq_entropy_f32(context, logits, -2, 2, entropy));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "outputs->entropy",
               uq_row_statistics(context, uq_tensor(&x, logits, UQ_F32, 2, SHAPE2(1, 4), NULL), NULL, NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "overflows",
               uq_row_statistics(context, uq_tensor(&x, logits, UQ_F32, 2, SHAPE2(INT64_C(1) << 40, INT64_C(1) << 40),
                                                    NULL), NULL, NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "elements",
               uq_row_statistics(context, uq_tensor(&x, logits, UQ_F32, 2, SHAPE2(INT64_C(1) << 31, 1), NULL), NULL,
                                 NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "overflows",
               uq_row_statistics(context, uq_tensor(&x, logits, UQ_F32, 2, SHAPE2(2, 2), SHAPE2(INT64_MAX / 2, 1)),
                                 NULL, NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "negative",
               uq_row_statistics(context, uq_tensor(&x, logits, UQ_F32, 2, SHAPE2(2, 2), SHAPE2(-2, 1)), NULL, NULL,
                                 &outputs));
  uq_test_tensor os;
  outputs.entropy = uq_tensor(&os, entropy, UQ_F32, 1, SHAPE1(2), SHAPE1(0));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "outputs->entropy", uq_row_statistics(context, good, NULL, NULL, &outputs));
  outputs.entropy = uq_tensor(&o, entropy, UQ_F32, 1, SHAPE1(2), NULL);

  /* Options: struct_size, values. */
  uq_row_statistics_options options = UQ_ROW_STATISTICS_OPTIONS_INIT;
  options.struct_size = 0;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "struct_size", uq_row_statistics(context, good, NULL, &options, &outputs));
  options.struct_size = sizeof(options);
  options.temperature = 0.0;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "Temperature", uq_row_statistics(context, good, NULL, &options, &outputs));
  uq_context_options bad_backend = {sizeof(bad_backend), 9, 0};
  uq_context* other = NULL;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "backend", uq_context_create(&bad_backend, &other));
  bad_backend.backend = UQ_BACKEND_CPU;
  bad_backend.device_id = -1;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "device_id", uq_context_create(&bad_backend, &other));

  /* Labels: out of range (nothing written), int64 beyond int32, wrong length. */
  entropy[0] = entropy[1] = -7;
  labels[1] = 5;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "labels",
               uq_row_statistics(context, good, uq_tensor(&y, labels, UQ_I32, 1, SHAPE1(2), NULL), NULL, &outputs));
  CHECK(entropy[0] == -7 && entropy[1] == -7);
  int64_t wide[2] = {0, INT64_C(1) << 40};
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "int32",
               uq_row_statistics(context, good, uq_tensor(&y, wide, UQ_I64, 1, SHAPE1(2), NULL), NULL, &outputs));
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "labels",
               uq_row_statistics(context, good, uq_tensor(&y, labels, UQ_I32, 1, SHAPE1(1), NULL), NULL, &outputs));
  uint8_t not_binary[2] = {0, 2};
  uq_ranking_result ranking = {sizeof(ranking), 0, 0, 0, 0, 0, 0};
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "labels",
               uq_auroc(context, uq_tensor(&x, logits, UQ_F32, 1, SHAPE1(2), NULL),
                        uq_tensor(&y, not_binary, UQ_U8, 1, SHAPE1(2), NULL), UQ_NAN_ERROR, &ranking));
  not_binary[1] = 1;
  CHECK_STATUS(UQ_ERR_INVALID_ARGUMENT, "nan_policy", uq_auroc(context, &x.t, &y.t, 7, &ranking));

  /* Out of memory: a strided f64 view of 3e8 elements needs a 2.4 GB gather buffer (never touches the data). */
  double one = 0;
  double h64[1];
  uq_test_tensor huge, oh;
  uq_row_statistics_outputs huge_outputs = {sizeof(huge_outputs), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  huge_outputs.entropy = uq_tensor(&oh, h64, UQ_F64, 1, SHAPE1(1), NULL);
  CHECK_STATUS(UQ_ERR_OUT_OF_MEMORY, "bytes",
               uq_row_statistics(context, uq_tensor(&huge, &one, UQ_F64, 2, SHAPE2(1, 300000000), SHAPE2(1, 0)), NULL,
                                 NULL, &huge_outputs));

  /* Device unavailable: no CUDA device 99 anywhere (and no CUDA at all in the NativeAOT library). */
  uq_context_options cuda = {sizeof(cuda), UQ_BACKEND_CUDA, 99};
  CHECK_STATUS(UQ_ERR_DEVICE_UNAVAILABLE, "cuda", uq_context_create(&cuda, &other));
  CHECK(other == NULL);

  /* A success resets the message. */
  CHECK_OK(uq_row_statistics(context, good, NULL, NULL, &outputs));
  CHECK(uq_last_error_message()[0] == '\0');
  CHECK_OK(uq_context_destroy(context));
}

/* Run with LD_LIBRARY_PATH pointing at a copy of the hosted shim without its managed assemblies. */
void test_runtime_unavailable(void) {
  uq_context* context = NULL;
  CHECK_STATUS(UQ_ERR_RUNTIME_UNAVAILABLE, "runtime", uq_context_create(NULL, &context));
  CHECK(context == NULL);
  CHECK(strstr(uq_last_error_message(), "UqKernels.Interop") != NULL);
  CHECK(uq_get_version() == 0);
  CHECK(strcmp(uq_status_string(UQ_ERR_RUNTIME_UNAVAILABLE), "UQ_ERR_RUNTIME_UNAVAILABLE") == 0);
  float logits[2] = {0, 0};
  float entropy[1];
  CHECK(uq_entropy_f32(NULL, logits, 1, 2, entropy) == UQ_ERR_RUNTIME_UNAVAILABLE);
}
