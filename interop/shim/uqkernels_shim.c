/*
 * uqkernels_shim.c: the hosted libuqkernels.so (style_and_interop.md B.2 / B.5).
 *
 * On the first uq_ call (pthread_once) it finds hostfxr with nethost, initialises the .NET runtime from
 * UqKernels.Interop.runtimeconfig.json beside this library (found with dladdr), loads UqKernels.Interop.dll through
 * load_assembly_and_get_function_pointer and calls its one bootstrap, ExportTable.Bootstrap, which fills the
 * function table below. Every uq_ function then forwards through that table. If any step fails, every call returns
 * UQ_ERR_RUNTIME_UNAVAILABLE and uq_last_error_message() carries the reason, including hostfxr's own messages
 * (captured with hostfxr_set_error_writer).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <coreclr_delegates.h>
#include <hostfxr.h>
#include <nethost.h>

#include "uqkernels.h"

#define UQ_SHIM_MESSAGE_CAPACITY 2048
#define UQ_SHIM_ASSEMBLY "UqKernels.Interop"
#define UQ_SHIM_BOOTSTRAP_TYPE "UqKernels.Interop.ExportTable, UqKernels.Interop"
#define UQ_SHIM_BOOTSTRAP_METHOD "Bootstrap"

/* The managed table: the three fixed functions, then UQ_FUNCTIONS in order. */
typedef struct uq_shim_table {
  uint32_t (*uq_get_version)(void);
  const char* (*uq_status_string)(uq_status status);
  const char* (*uq_last_error_message)(void);
#define UQ_SHIM_SLOT_(name, params, args) uq_status (*name) params;
  UQ_FUNCTIONS(UQ_SHIM_SLOT_)
#undef UQ_SHIM_SLOT_
} uq_shim_table;

#define UQ_SHIM_FUNCTION_COUNT ((int32_t)(sizeof(uq_shim_table) / sizeof(void*)))

typedef int32_t (*uq_shim_bootstrap_fn)(uint32_t abi_version, intptr_t* table, int32_t capacity);

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_ready;
static uq_shim_table g_table;
static char g_boot_error[UQ_SHIM_MESSAGE_CAPACITY];
static _Thread_local char t_message[UQ_SHIM_MESSAGE_CAPACITY + 64];

static void boot_error(const char* format, ...) __attribute__((format(printf, 1, 2)));

/* Appends to the boot message (boot runs once, on one thread). */
static void boot_error(const char* format, ...) {
  size_t used = strlen(g_boot_error);
  if (used + 1 >= sizeof(g_boot_error)) {
    return;
  }
  va_list list;
  va_start(list, format);
  vsnprintf(g_boot_error + used, sizeof(g_boot_error) - used, format, list);
  va_end(list);
}

static void HOSTFXR_CALLTYPE hostfxr_message(const char_t* message) {
  boot_error("[hostfxr] %s ", message);
}

static int directory_of_this_library(char* buffer, size_t capacity) {
  Dl_info info;
  if (dladdr((void*)&uq_get_version, &info) == 0 || info.dli_fname == NULL) {
    return 0;
  }
  const char* slash = strrchr(info.dli_fname, '/');
  size_t length = slash == NULL ? 1 : (size_t)(slash - info.dli_fname);
  if (length + 1 > capacity) {
    return 0;
  }
  if (slash == NULL) {
    buffer[0] = '.';
  } else {
    memcpy(buffer, info.dli_fname, length);
  }
  buffer[length] = '\0';
  return 1;
}

static void boot(void) {
  char directory[4096];
  char assembly[4352];
  char config[4352];
  char hostfxr_path[4096];
  if (!directory_of_this_library(directory, sizeof(directory))) {
    boot_error("libuqkernels: cannot locate this library's directory with dladdr.");
    return;
  }
  snprintf(assembly, sizeof(assembly), "%s/%s.dll", directory, UQ_SHIM_ASSEMBLY);
  snprintf(config, sizeof(config), "%s/%s.runtimeconfig.json", directory, UQ_SHIM_ASSEMBLY);

  size_t size = sizeof(hostfxr_path);
  struct get_hostfxr_parameters parameters = {sizeof(parameters), assembly, NULL};
  int rc = get_hostfxr_path(hostfxr_path, &size, &parameters);
  if (rc != 0) {
    boot_error("libuqkernels: nethost found no .NET host (hostfxr), error 0x%x; install the .NET 10 runtime or set "
               "DOTNET_ROOT.", (unsigned)rc);
    return;
  }
  void* library = dlopen(hostfxr_path, RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    boot_error("libuqkernels: cannot load %s: %s", hostfxr_path, dlerror());
    return;
  }
  hostfxr_initialize_for_runtime_config_fn initialize =
      (hostfxr_initialize_for_runtime_config_fn)dlsym(library, "hostfxr_initialize_for_runtime_config");
  hostfxr_get_runtime_delegate_fn get_delegate =
      (hostfxr_get_runtime_delegate_fn)dlsym(library, "hostfxr_get_runtime_delegate");
  hostfxr_close_fn close_context = (hostfxr_close_fn)dlsym(library, "hostfxr_close");
  hostfxr_set_error_writer_fn set_error_writer = (hostfxr_set_error_writer_fn)dlsym(library, "hostfxr_set_error_writer");
  if (initialize == NULL || get_delegate == NULL || close_context == NULL || set_error_writer == NULL) {
    boot_error("libuqkernels: %s lacks the hostfxr hosting exports.", hostfxr_path);
    return;
  }

  set_error_writer(hostfxr_message);
  hostfxr_handle context = NULL;
  rc = initialize(config, NULL, &context);
  if (rc < 0 || context == NULL) {
    boot_error("libuqkernels: hostfxr_initialize_for_runtime_config(%s) failed with 0x%x.", config, (unsigned)rc);
    if (context != NULL) {
      close_context(context);
    }
    set_error_writer(NULL);
    return;
  }
  load_assembly_and_get_function_pointer_fn load = NULL;
  rc = get_delegate(context, hdt_load_assembly_and_get_function_pointer, (void**)&load);
  close_context(context);
  if (rc < 0 || load == NULL) {
    boot_error("libuqkernels: hostfxr_get_runtime_delegate failed with 0x%x.", (unsigned)rc);
    set_error_writer(NULL);
    return;
  }
  uq_shim_bootstrap_fn bootstrap = NULL;
  rc = load(assembly, UQ_SHIM_BOOTSTRAP_TYPE, UQ_SHIM_BOOTSTRAP_METHOD, UNMANAGEDCALLERSONLY_METHOD, NULL,
            (void**)&bootstrap);
  set_error_writer(NULL);
  if (rc < 0 || bootstrap == NULL) {
    boot_error("libuqkernels: loading %s!%s failed with 0x%x.", assembly, UQ_SHIM_BOOTSTRAP_METHOD, (unsigned)rc);
    return;
  }
  int32_t count = bootstrap(UQ_ABI_VERSION, (intptr_t*)&g_table, UQ_SHIM_FUNCTION_COUNT);
  if (count < UQ_SHIM_FUNCTION_COUNT) {
    boot_error("libuqkernels: %s has %d functions but this shim (ABI %u.%u) needs %d; the shim and the managed "
               "assembly come from different builds.", assembly, (int)count, UQ_ABI_VERSION_MAJOR,
               UQ_ABI_VERSION_MINOR, (int)UQ_SHIM_FUNCTION_COUNT);
    return;
  }
  g_ready = 1;
}

/* Boots once; on failure leaves the reason in this thread's message. */
static int ready(void) {
  pthread_once(&g_once, boot);
  if (g_ready) {
    return 1;
  }
  snprintf(t_message, sizeof(t_message), "the .NET runtime is unavailable: %s",
           g_boot_error[0] != '\0' ? g_boot_error : "unknown error");
  return 0;
}

UQ_API uint32_t uq_get_version(void) {
  return ready() ? g_table.uq_get_version() : 0u;
}

UQ_API const char* uq_status_string(uq_status status) {
  if (ready()) {
    return g_table.uq_status_string(status);
  }
  switch (status) {
    case UQ_OK: return "UQ_OK";
    case UQ_ERR_INVALID_ARGUMENT: return "UQ_ERR_INVALID_ARGUMENT";
    case UQ_ERR_UNSUPPORTED_DTYPE: return "UQ_ERR_UNSUPPORTED_DTYPE";
    case UQ_ERR_DEVICE_UNAVAILABLE: return "UQ_ERR_DEVICE_UNAVAILABLE";
    case UQ_ERR_RUNTIME_UNAVAILABLE: return "UQ_ERR_RUNTIME_UNAVAILABLE";
    case UQ_ERR_OUT_OF_MEMORY: return "UQ_ERR_OUT_OF_MEMORY";
    case UQ_ERR_INTERNAL: return "UQ_ERR_INTERNAL";
    default: return "UQ_ERR_UNKNOWN";
  }
}

UQ_API const char* uq_last_error_message(void) {
  return ready() ? g_table.uq_last_error_message() : t_message;
}

#define UQ_SHIM_STUB_(name, params, args) \
  UQ_API uq_status name params { \
    return ready() ? g_table.name args : UQ_ERR_RUNTIME_UNAVAILABLE; \
  }
UQ_FUNCTIONS(UQ_SHIM_STUB_)
#undef UQ_SHIM_STUB_
