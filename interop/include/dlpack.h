/*
 * dlpack.h: the DLPack 1.1 tensor structures (https://github.com/dmlc/dlpack).
 *
 * Copyright (c) 2017 by Contributors (the DLPack authors). Licensed under the Apache License, Version 2.0
 * (http://www.apache.org/licenses/LICENSE-2.0). This copy was written for UqKernels from the DLPack 1.1
 * specification's field list (same names, values and layout; sizeof(DLTensor) == 48 on x86-64), not fetched;
 * it declares only the data structures, which is all UqKernels needs.
 */
#ifndef DLPACK_DLPACK_H_
#define DLPACK_DLPACK_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define DLPACK_EXTERN_C extern "C"
#else
#define DLPACK_EXTERN_C
#endif

/** The major version of DLPack. */
#define DLPACK_MAJOR_VERSION 1
/** The minor version of DLPack. */
#define DLPACK_MINOR_VERSION 1

#ifndef DLPACK_DLL
#define DLPACK_DLL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** The DLPack version (of a DLManagedTensorVersioned). */
typedef struct {
  uint32_t major;
  uint32_t minor;
} DLPackVersion;

/** Where a tensor's memory lives. */
#ifdef __cplusplus
typedef enum : int32_t {
#else
typedef enum {
#endif
  kDLCPU = 1,
  kDLCUDA = 2,
  kDLCUDAHost = 3,
  kDLOpenCL = 4,
  kDLVulkan = 7,
  kDLMetal = 8,
  kDLVPI = 9,
  kDLROCM = 10,
  kDLROCMHost = 11,
  kDLExtDev = 12,
  kDLCUDAManaged = 13,
  kDLOneAPI = 14,
  kDLWebGPU = 15,
  kDLHexagon = 16,
  kDLMAIA = 17,
  kDLTrn = 18,
} DLDeviceType;

/** A device: its type and its index among devices of that type. */
typedef struct {
  DLDeviceType device_type;
  int32_t device_id;
} DLDevice;

/** The type code of DLDataType. */
typedef enum {
  kDLInt = 0U,
  kDLUInt = 1U,
  kDLFloat = 2U,
  kDLOpaqueHandle = 3U,
  kDLBfloat = 4U,
  kDLComplex = 5U,
  kDLBool = 6U,
  kDLFloat8_e3m4 = 7U,
  kDLFloat8_e4m3 = 8U,
  kDLFloat8_e4m3b11fnuz = 9U,
  kDLFloat8_e4m3fn = 10U,
  kDLFloat8_e4m3fnuz = 11U,
  kDLFloat8_e5m2 = 12U,
  kDLFloat8_e5m2fnuz = 13U,
  kDLFloat8_e8m0fnu = 14U,
  kDLFloat6_e2m3fn = 15U,
  kDLFloat6_e3m2fn = 16U,
  kDLFloat4_e2m1fn = 17U,
} DLDataTypeCode;

/** An element type: code (DLDataTypeCode), bits per lane and number of lanes (1 for scalars). */
typedef struct {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
} DLDataType;

/**
 * A borrowed view of a tensor. `strides` are in elements and may be NULL (compact row-major). The address of
 * element (i0, i1, ...) is `(char*)data + byte_offset + (i0*strides[0] + i1*strides[1] + ...) * (bits*lanes/8)`.
 * `data` should be 256-byte aligned, but consumers must not assume it.
 */
typedef struct {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;
  uint64_t byte_offset;
} DLTensor;

/** A tensor with a deleter (legacy, unversioned). The consumer calls `deleter` exactly once when done. */
typedef struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(struct DLManagedTensor* self);
} DLManagedTensor;

/** The tensor is read-only. */
#define DLPACK_FLAG_BITMASK_READ_ONLY (1UL << 0UL)
/** The tensor was copied by the producer. */
#define DLPACK_FLAG_BITMASK_IS_COPIED (1UL << 1UL)
/** Sub-byte types are padded to whole bytes. */
#define DLPACK_FLAG_BITMASK_IS_SUBBYTE_TYPE_PADDED (1UL << 2UL)

/** A versioned managed tensor; the fields before `flags` are frozen so the deleter can always be called. */
typedef struct DLManagedTensorVersioned {
  DLPackVersion version;
  void* manager_ctx;
  void (*deleter)(struct DLManagedTensorVersioned* self);
  uint64_t flags;
  DLTensor dl_tensor;
} DLManagedTensorVersioned;

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* DLPACK_DLPACK_H_ */
