/*
 * npy.h: a minimal reader of NumPy .npy files (format 1.0/2.0, little-endian, C order), enough for the example and
 * the tests: dtypes <f4, <f8, <i4, <i8, |u1, |b1; up to 4 dimensions. Header-only, C11.
 */
#ifndef UQ_NPY_H_
#define UQ_NPY_H_

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct npy_array {
  void* data;
  char dtype[4];     /* "f4", "f8", "i4", "i8", "u1", "b1" */
  int32_t ndim;
  int64_t shape[4];
  int64_t count;     /* number of elements */
  int32_t item_size;
} npy_array;

static inline void npy_free(npy_array* array) {
  free(array->data);
  array->data = NULL;
}

/* Returns 0 on success; prints why and returns -1 otherwise. */
static inline int npy_load(const char* path, npy_array* array) {
  memset(array, 0, sizeof(*array));
  FILE* file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "npy: cannot open %s\n", path);
    return -1;
  }
  unsigned char prefix[10];
  int ok = fread(prefix, 1, 10, file) == 10 && memcmp(prefix, "\x93NUMPY", 6) == 0;
  uint32_t header_length = 0;
  if (ok && prefix[6] == 1) {
    header_length = (uint32_t)prefix[8] | ((uint32_t)prefix[9] << 8);
  } else if (ok) {
    unsigned char more[2];
    ok = fread(more, 1, 2, file) == 2;
    header_length = (uint32_t)prefix[8] | ((uint32_t)prefix[9] << 8) | ((uint32_t)more[0] << 16) |
                    ((uint32_t)more[1] << 24);
  }
  char* header = ok ? (char*)calloc(header_length + 1, 1) : NULL;
  ok = header != NULL && fread(header, 1, header_length, file) == header_length;
  const char* descr = ok ? strstr(header, "'descr': '") : NULL;
  const char* shape = ok ? strstr(header, "'shape': (") : NULL;
  if (descr == NULL || shape == NULL || strstr(header, "'fortran_order': False") == NULL ||
      (descr[10] != '<' && descr[10] != '|')) {
    fprintf(stderr, "npy: %s is not a little-endian C-order array this reader supports\n", path);
    free(header);
    fclose(file);
    return -1;
  }
  memcpy(array->dtype, descr + 11, 2);
  array->item_size = atoi(array->dtype + 1);
  array->count = 1;
  for (const char* p = shape + 10; *p != ')' && array->ndim < 4;) {
    char* end;
    long long extent = strtoll(p, &end, 10);
    if (end == p) {
      break;
    }
    array->shape[array->ndim++] = extent;
    array->count *= extent;
    p = end;
    while (*p == ',' || *p == ' ') {
      p++;
    }
  }
  free(header);
  size_t bytes = (size_t)array->count * (size_t)array->item_size;
  array->data = malloc(bytes > 0 ? bytes : 1);
  ok = array->data != NULL && fread(array->data, 1, bytes, file) == bytes;
  fclose(file);
  if (!ok) {
    fprintf(stderr, "npy: %s is truncated\n", path);
    npy_free(array);
    return -1;
  }
  return 0;
}

#endif /* UQ_NPY_H_ */
