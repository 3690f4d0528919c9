/* Two threads with their own contexts and their own error messages; create/destroy cycles without RSS growth. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <unistd.h>

#include "uq_test.h"

static pthread_barrier_t barrier;

typedef struct {
  int id;
  int failures;
} worker_state;

static void* worker(void* argument) {
  worker_state* state = (worker_state*)argument;
  uq_context* context = uq_test_context();
  float logits[4] = {0, 0, 1.0986123f, 0};
  float entropy[2];
  for (int i = 0; i < 300; i++) {
    if (uq_entropy_f32(context, logits, 2, 2, entropy) != UQ_OK || fabs(entropy[0] - 0.6931472) > 1e-6) {
      state->failures++;
    }
  }
  /* Each thread fails differently, then both read their own message after both have failed. */
  uq_status status = state->id == 0 ? uq_entropy_f32(context, NULL, 2, 2, entropy)
                                    : uq_entropy_f32(context, logits, 2, -3, entropy);
  pthread_barrier_wait(&barrier);
  const char* message = uq_last_error_message();
  const char* expected = state->id == 0 ? "logits.data is NULL" : "logits.shape[1] is -3";
  if (status != UQ_ERR_INVALID_ARGUMENT || strstr(message, expected) == NULL) {
    fprintf(stderr, "thread %d: status %d, message \"%s\"\n", state->id, status, message);
    state->failures++;
  }
  pthread_barrier_wait(&barrier);
  if (uq_context_destroy(context) != UQ_OK) {
    state->failures++;
  }
  return NULL;
}

void test_threads(void) {
  pthread_t threads[2];
  worker_state states[2] = {{0, 0}, {1, 0}};
  pthread_barrier_init(&barrier, NULL, 2);
  for (int i = 0; i < 2; i++) {
    CHECK(pthread_create(&threads[i], NULL, worker, &states[i]) == 0);
  }
  for (int i = 0; i < 2; i++) {
    pthread_join(threads[i], NULL);
    CHECK(states[i].failures == 0);
  }
  pthread_barrier_destroy(&barrier);
}

static long resident_kib(void) {
  long pages = 0, resident = 0;
  FILE* statm = fopen("/proc/self/statm", "r");
  if (statm == NULL) {
    return -1;
  }
  if (fscanf(statm, "%ld %ld", &pages, &resident) != 2) {
    resident = -1;
  }
  fclose(statm);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void cycles(int count) {
  float logits[6] = {0, 1, 2, 3, 4, 5};
  float entropy[2];
  for (int i = 0; i < count; i++) {
    uq_context* context = uq_test_context();
    CHECK_OK(uq_entropy_f32(context, logits, 2, 3, entropy));
    CHECK_OK(uq_context_destroy(context));
  }
}

/*
 * Create/destroy cycles (each with a kernel call) must reach a plateau: the managed heap grows until its first
 * collections (the gen0 budget is tens of MB on large-cache CPUs: about 80 MB for the NativeAOT library here), then
 * stays flat. Rounds of 20,000 cycles run until two rounds in a row add less than 256 KiB; the next 4 rounds
 * (80,000 cycles) must then add less than 2 MiB, so a leak of 26 bytes or more per cycle fails.
 */
void test_lifecycle(void) {
  long previous = resident_kib();
  int quiet = 0;
  int round = 0;
  for (; round < 60 && quiet < 2; round++) {
    cycles(20000);
    long now = resident_kib();
    quiet = now - previous < 256 ? quiet + 1 : 0;
    previous = now;
  }
  long plateau = resident_kib();
  for (int extra = 0; extra < 4; extra++) {
    cycles(20000);
  }
  long after = resident_kib();
  printf("RSS plateau after %d rounds of 20,000 create/compute/destroy cycles: %ld KiB; after 80,000 more: %ld KiB\n",
         round, plateau, after);
  CHECK(quiet == 2 && plateau > 0 && after - plateau < 2048);
}
