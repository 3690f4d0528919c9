/* C test driver: `uq_tests_<variant> <case>` runs one case (CTest registers each as its own test). */
#include "uq_test.h"

int uq_test_failures;

int uq_test_is_aot(void) {
  const char* aot = getenv("UQ_TEST_AOT");
  return aot != NULL && aot[0] == '1';
}

uq_context* uq_test_context(void) {
  uq_context_options options = UQ_CONTEXT_OPTIONS_INIT;
  options.backend = UQ_BACKEND_CPU;
  const char* backend = getenv("UQ_TEST_BACKEND");
  if (backend != NULL && strcmp(backend, "ilgpu-cpu") == 0) {
    options.backend = UQ_BACKEND_ILGPU_CPU;
  } else if (backend != NULL && strcmp(backend, "cuda") == 0) {
    options.backend = UQ_BACKEND_CUDA;
  }
  uq_context* context = NULL;
  uq_status status = uq_context_create(&options, &context);
  if (status != UQ_OK || context == NULL) {
    fprintf(stderr, "uq_context_create failed: %s: %s\n", uq_status_string(status), uq_last_error_message());
    exit(1);
  }
  return context;
}

typedef struct {
  const char* name;
  void (*run)(void);
} uq_test_case;

static const uq_test_case cases[] = {
    {"version", test_version},       {"context", test_context},
    {"row_statistics", test_row_statistics}, {"flat", test_flat},
    {"strides", test_strides},       {"soft_target", test_soft_target},
    {"token", test_token},           {"ensemble", test_ensemble},
    {"calibration", test_calibration}, {"semantic", test_semantic},
    {"vmf", test_vmf},               {"ranking", test_ranking},
    {"reference", test_reference},   {"ranking_batch", test_ranking_batch},
    {"errors", test_errors},
    {"runtime_unavailable", test_runtime_unavailable},
    {"threads", test_threads},       {"lifecycle", test_lifecycle},
    {"ranking_ovr", test_ranking_ovr}, {"ranking_segments", test_ranking_segments},
    {"recall_at_one", test_recall_at_one}, {"vmf_pair", test_vmf_pair},
    {"vmf_sample", test_vmf_sample},
};

int main(int argc, char** argv) {
  int ran = 0;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    if (argc < 2 || strcmp(argv[1], cases[i].name) == 0) {
      if (argc < 2 && strcmp(cases[i].name, "runtime_unavailable") == 0) {
        continue;
      }
      int before = uq_test_failures;
      cases[i].run();
      printf("[%s] %s: %s\n", UQ_TEST_VARIANT, cases[i].name, uq_test_failures == before ? "passed" : "FAILED");
      ran++;
    }
  }
  if (ran == 0) {
    fprintf(stderr, "unknown test case %s\n", argc > 1 ? argv[1] : "");
    return 2;
  }
  return uq_test_failures == 0 ? 0 : 1;
}
