"""uqkernels: NumPy front end of the UqKernels C ABI (libuqkernels.so, hosted or NativeAOT) over ctypes.

    import numpy as np, uqkernels
    with uqkernels.Context("cpu") as ctx:
        out = ctx.row_statistics(logits, labels, outputs=("entropy", "nll"))
        print(out["entropy"], ctx.auroc(scores, labels)["auroc"])

Arrays go in as NumPy arrays (any strides; they are passed as DLPack DLTensors without copying) or as any object with
`__dlpack__` on the CPU; results come back as NumPy arrays that this package allocates. Errors raise UqError with the
library's status and message. The library is found through UQKERNELS_LIBRARY, the interop/out/hosted build, or the
system search path.
"""
import ctypes

import numpy as np

from . import _abi
from ._abi import DLTensor, UQ_ABI_VERSION

__all__ = ["Context", "UqError", "library", "version", "UQ_ABI_VERSION"]

_STATUS_NAMES = {0: "UQ_OK", 1: "UQ_ERR_INVALID_ARGUMENT", 2: "UQ_ERR_UNSUPPORTED_DTYPE",
                 3: "UQ_ERR_DEVICE_UNAVAILABLE", 4: "UQ_ERR_RUNTIME_UNAVAILABLE", 5: "UQ_ERR_OUT_OF_MEMORY",
                 6: "UQ_ERR_INTERNAL"}

_library = None


def library():
    """The loaded libuqkernels (loaded on first use)."""
    global _library
    if _library is None:
        _library = _abi.load()
    return _library


def version():
    """(major, minor) of the loaded library's ABI."""
    value = library().uq_get_version()
    return value >> 16, value & 0xFFFF


class UqError(RuntimeError):
    """A uq_ call failed: `status` is the uq_status, `status_name` its name, the message is the library's."""

    def __init__(self, status, message):
        self.status = status
        self.status_name = _STATUS_NAMES.get(status, "UQ_ERR_UNKNOWN")
        super().__init__(f"{self.status_name}: {message}")


def _check(status):
    if status != _abi.UQ_OK:
        message = library().uq_last_error_message()
        raise UqError(status, message.decode("utf-8", "replace") if message else "")


_DTYPES = {
    np.dtype(np.float16): (_abi.kDLFloat, 16), np.dtype(np.float32): (_abi.kDLFloat, 32),
    np.dtype(np.float64): (_abi.kDLFloat, 64), np.dtype(np.int8): (_abi.kDLInt, 8),
    np.dtype(np.int32): (_abi.kDLInt, 32), np.dtype(np.int64): (_abi.kDLInt, 64),
    np.dtype(np.uint8): (_abi.kDLUInt, 8), np.dtype(np.bool_): (_abi.kDLBool, 8),
}


class _Tensor:
    """A DLTensor view of a NumPy array (kept alive with its shape/strides storage)."""

    def __init__(self, array):
        if array.dtype not in _DTYPES:
            raise TypeError(f"unsupported dtype {array.dtype}")
        if any(s % array.itemsize for s in array.strides):
            raise ValueError("strides must be multiples of the item size")
        self.array = array
        code, bits = _DTYPES[array.dtype]
        ndim = array.ndim
        self.shape = (ctypes.c_int64 * max(ndim, 1))(*array.shape)
        self.strides = (ctypes.c_int64 * max(ndim, 1))(*(s // array.itemsize for s in array.strides))
        self.tensor = DLTensor(array.ctypes.data, _abi.DLDevice(_abi.kDLCPU, 0), ndim,
                               _abi.DLDataType(code, bits, 1), self.shape, self.strides, 0)

    @property
    def pointer(self):
        return ctypes.pointer(self.tensor)


class _DLPackTensor:
    """A tensor received through the DLPack protocol (`__dlpack__` capsule); the producer's deleter runs on close."""

    _get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    _get_pointer.restype = ctypes.c_void_p
    _get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    _set_name = ctypes.pythonapi.PyCapsule_SetName
    _set_name.restype = ctypes.c_int
    _set_name.argtypes = [ctypes.py_object, ctypes.c_char_p]

    def __init__(self, obj):
        self.capsule = obj.__dlpack__()
        address = self._get_pointer(self.capsule, b"dltensor")
        self.managed = ctypes.cast(address, ctypes.POINTER(_abi.DLManagedTensor))
        self._set_name(self.capsule, b"used_dltensor")  # consumed: the capsule no longer calls the deleter

    @property
    def pointer(self):
        return ctypes.pointer(self.managed.contents.dl_tensor)

    def close(self):
        if self.managed is not None:
            deleter = self.managed.contents.deleter
            if deleter:
                deleter(self.managed)
            self.managed = None


def _input(value, dtype=None):
    """A tensor argument: a NumPy array (optionally converted to `dtype`) or a DLPack-capable object."""
    if value is None:
        return None
    if not isinstance(value, np.ndarray) and hasattr(value, "__dlpack__"):
        return _DLPackTensor(value)
    array = np.asarray(value) if dtype is None else np.asarray(value, dtype=dtype)
    return _Tensor(array)


def _ptr(tensor):
    return tensor.pointer if tensor is not None else None


def _sized(struct_type, **values):
    value = struct_type(**values)
    value.struct_size = ctypes.sizeof(struct_type)
    return value


def _defaulted_outputs(struct_type, requested, available, shapes):
    """Allocates the requested outputs; returns (struct, {name: array}, keepalive)."""
    unknown = set(requested) - set(available)
    if unknown:
        raise ValueError(f"unknown outputs {sorted(unknown)}; available: {available}")
    outputs = _sized(struct_type)
    arrays, keep = {}, []
    for name in requested:
        shape, dtype = shapes(name)
        array = np.empty(shape, dtype=dtype)
        tensor = _Tensor(array)
        setattr(outputs, name, tensor.pointer)
        arrays[name] = array
        keep.append(tensor)
    return outputs, arrays, keep


def _compute_dtype(logits_dtype):
    return np.float64 if np.dtype(logits_dtype) == np.float64 else np.float32


def _dtype_of(tensor):
    if isinstance(tensor, _Tensor):
        return tensor.array.dtype
    dtype = tensor.managed.contents.dl_tensor.dtype
    return np.float64 if (dtype.code, dtype.bits) == (_abi.kDLFloat, 64) else np.float32


def _shape_of(tensor):
    if isinstance(tensor, _Tensor):
        return tensor.array.shape
    t = tensor.managed.contents.dl_tensor
    return tuple(t.shape[i] for i in range(t.ndim))


def _close(*tensors):
    for tensor in tensors:
        if isinstance(tensor, _DLPackTensor):
            tensor.close()


class Context:
    """A uq_context: `backend` is auto, cpu, ilgpu-cpu, cuda or opencl. One thread at a time; close() or `with`."""

    def __init__(self, backend="auto", device_id=0):
        self._lib = library()
        options = _sized(_abi.ContextOptions, backend=_abi.BACKENDS[backend], device_id=device_id)
        handle = ctypes.c_void_p()
        _check(self._lib.uq_context_create(ctypes.byref(options), ctypes.byref(handle)))
        self._handle = handle

    def close(self):
        if self._handle is not None:
            _check(self._lib.uq_context_destroy(self._handle))
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass

    @property
    def info(self):
        """{'backend': name, 'device_id': int, 'device_name': str}."""
        info = _sized(_abi.ContextInfo)
        _check(self._lib.uq_context_get_info(self._handle, ctypes.byref(info)))
        return {"backend": _abi.BACKEND_NAMES[info.backend], "device_id": info.device_id,
                "device_name": info.device_name.decode("utf-8", "replace")}

    # ---- entropy family -------------------------------------------------------------------------------------

    def row_statistics(self, logits, labels=None, outputs=("lse", "entropy", "msp"), temperature=1.0,
                       ignore_index=-100, top_k=5, label_smoothing=0.0):
        """Per-row statistics of logits [N, C] (f16/f32/f64, any strides, or a DLPack tensor); returns {name: [N]}."""
        x, y = _input(logits), _input(labels)
        try:
            rows = _shape_of(x)[0]
            dtype = _compute_dtype(_dtype_of(x))
            struct, arrays, _keep = _defaulted_outputs(
                _abi.RowStatisticsOutputs, outputs, _abi.ROW_OUTPUTS,
                lambda name: ((rows,), np.int32 if name == "argmax" else dtype))
            options = _sized(_abi.RowStatisticsOptions, ignore_index=ignore_index, temperature=temperature,
                             top_k=top_k, label_smoothing=label_smoothing)
            _check(self._lib.uq_row_statistics(self._handle, x.pointer, _ptr(y), ctypes.byref(options),
                                               ctypes.byref(struct)))
            return arrays
        finally:
            _close(x, y)

    def entropy(self, logits):
        """Entropy per row of dense float32 logits [N, C] through the flat uq_entropy_f32."""
        array = np.ascontiguousarray(logits, dtype=np.float32)
        result = np.empty(array.shape[0], dtype=np.float32)
        _check(self._lib.uq_entropy_f32(self._handle, array.ctypes.data_as(_abi.PF), array.shape[0],
                                        array.shape[1], result.ctypes.data_as(_abi.PF)))
        return result

    def soft_target_cross_entropy(self, logits, targets):
        """-sum_c t_c log softmax(x)_c per row; logits and targets [N, C] of one dtype (f32/f64)."""
        x, t = _input(logits), _input(targets)
        result = np.empty(x.array.shape[0], dtype=x.array.dtype)
        d = _Tensor(result)
        _check(self._lib.uq_soft_target_cross_entropy(self._handle, x.pointer, t.pointer, d.pointer))
        return result

    def token_statistics(self, logits, labels=None, outputs=("token_nll", "sequence_mean_nll"), shift=1,
                         ignore_index=-100, temperature=1.0):
        """LLM token statistics of logits [B, T, V] and labels [B, T]."""
        x, y = _input(logits), _input(labels)
        batch, time, _ = x.array.shape
        dtype = _compute_dtype(x.array.dtype)
        scored = time - shift
        struct, arrays, _keep = _defaulted_outputs(
            _abi.TokenStatisticsOutputs, outputs, _abi.TOKEN_OUTPUTS,
            lambda name: ((batch, scored) if name.startswith("token") else (batch,),
                          np.int32 if name == "sequence_count" else dtype))
        options = _sized(_abi.TokenStatisticsOptions, shift=shift, ignore_index=ignore_index, temperature=temperature)
        _check(self._lib.uq_token_statistics(self._handle, x.pointer, _ptr(y), ctypes.byref(options),
                                             ctypes.byref(struct)))
        return arrays

    def ensemble_decomposition(self, logits, labels=None, outputs=("total", "aleatoric", "epistemic_kl"),
                               layout="sample_major", ignore_index=-100, temperature=1.0):
        """Ensemble decomposition of logits [B, M, C] (sample_major) or [M, B, C] (member_major)."""
        x, y = _input(logits), _input(labels)
        batch = x.array.shape[0] if layout == "sample_major" else x.array.shape[1]
        dtype = _compute_dtype(x.array.dtype)
        struct, arrays, _keep = _defaulted_outputs(
            _abi.EnsembleOutputs, outputs, _abi.ENSEMBLE_OUTPUTS,
            lambda name: ((batch,), np.int32 if name == "argmax_bma" else dtype))
        options = _sized(_abi.EnsembleOptions, layout=0 if layout == "sample_major" else 1,
                         ignore_index=ignore_index, temperature=temperature)
        _check(self._lib.uq_ensemble_decomposition(self._handle, x.pointer, _ptr(y), ctypes.byref(options),
                                                   ctypes.byref(struct)))
        return arrays

    # ---- calibration, semantic entropy, vMF, ranking -------------------------------------------------------

    def calibration(self, confidence, correct, bins=15, binning="untangle", include_bins=False):
        """ECE, MCE and binary scores; with include_bins also per-bin counts, confidence and accuracy."""
        k = _input(confidence)
        c = _input(correct, dtype=k.array.dtype)
        options = _sized(_abi.CalibrationOptions, bins=bins, binning=_abi.BINNINGS[binning])
        result = _sized(_abi.CalibrationResult)
        per_bin, keep, arrays = None, [], {}
        if include_bins:
            count = bins + (1 if binning == "torchmetrics" else 0)
            arrays = {"bin_counts": np.empty(count, np.int64), "bin_confidence": np.empty(count),
                      "bin_accuracy": np.empty(count)}
            keep = [_Tensor(arrays[n]) for n in ("bin_counts", "bin_confidence", "bin_accuracy")]
            per_bin = _sized(_abi.CalibrationBins, counts=keep[0].pointer, confidence=keep[1].pointer,
                             accuracy=keep[2].pointer)
        _check(self._lib.uq_calibration(self._handle, k.pointer, c.pointer, ctypes.byref(options),
                                        ctypes.byref(result), ctypes.byref(per_bin) if per_bin else None))
        values = {name: getattr(result, name) for name in ("ece", "mce", "binary_log_prob", "binary_brier", "count")}
        values.update(arrays)
        return values

    def semantic_entropy(self, offsets, log_likelihoods, cluster_ids, outputs=("rao", "discrete", "kuhn",
                                                                               "naive_predictive"),
                         kuhn_log_likelihood_shift=0.0):
        """Semantic entropy per question of answers in CSR layout (offsets [Q + 1])."""
        q, ll, ids = _input(offsets), _input(log_likelihoods), _input(cluster_ids)
        questions = q.array.shape[0] - 1
        struct, arrays, _keep = _defaulted_outputs(_abi.SemanticEntropyOutputs, outputs, _abi.SEMANTIC_OUTPUTS,
                                                   lambda name: ((questions,), np.float64))
        options = _sized(_abi.SemanticEntropyOptions, kuhn_log_likelihood_shift=kuhn_log_likelihood_shift)
        _check(self._lib.uq_semantic_entropy(self._handle, q.pointer, ll.pointer, ids.pointer, ctypes.byref(options),
                                             ctypes.byref(struct)))
        return arrays

    def von_mises_fisher(self, kappa, dimension, outputs=("log_normalizer", "mean_resultant_length", "entropy")):
        """vMF scalars of kappa [N] (f32/f64); `dimension` is an int or an int32 array [N]."""
        k = _input(kappa)
        per_element = not np.isscalar(dimension)
        d = _input(dimension, dtype=np.int32) if per_element else None
        struct, arrays, _keep = _defaulted_outputs(_abi.VmfOutputs, outputs, _abi.VMF_OUTPUTS,
                                                   lambda name: (k.array.shape, k.array.dtype))
        _check(self._lib.uq_von_mises_fisher(self._handle, k.pointer, 0 if per_element else int(dimension), _ptr(d),
                                             ctypes.byref(struct)))
        return arrays

    def auroc(self, scores, labels, nan_policy="error"):
        """Exact AUROC and average precision (sklearn semantics) of scores [N] against 0/1 labels [N]."""
        s, y = _input(scores), _input(labels)
        result = _sized(_abi.RankingResult)
        _check(self._lib.uq_auroc(self._handle, s.pointer, y.pointer, _abi.NAN_POLICIES[nan_policy],
                                  ctypes.byref(result)))
        return {"auroc": result.auroc, "average_precision": result.average_precision,
                "positives": result.positives, "negatives": result.negatives,
                "numerator_twice_u": result.numerator_twice_u, "status": _abi.RANKING_STATUS[result.status]}

    # ---- batched ranking, correlation, selective prediction ------------------------------------------------

    def auroc_columns(self, scores, labels, nan_policy="error", ignore_undefined=False):
        """AUROC / AP of every column of scores [N, K] against shared 0/1 labels [N], with macro/weighted averages."""
        s, y = _input(scores), _input(labels)
        columns = s.array.shape[1]
        dtypes = {"auroc": np.float64, "average_precision": np.float64, "status": np.int32}
        struct, arrays, _keep = _defaulted_outputs(_abi.RankingBatchOutputs, _abi.RANKING_BATCH_OUTPUTS,
                                                   _abi.RANKING_BATCH_OUTPUTS,
                                                   lambda name: ((columns,), dtypes.get(name, np.int64)))
        averages = _sized(_abi.RankingAverages)
        _check(self._lib.uq_auroc_columns(self._handle, s.pointer, y.pointer, _abi.NAN_POLICIES[nan_policy],
                                          int(ignore_undefined), ctypes.byref(struct), ctypes.byref(averages)))
        arrays.update({name: getattr(averages, name) for name in ("macro_auroc", "weighted_auroc",
                                                                   "macro_average_precision",
                                                                   "weighted_average_precision")})
        return arrays

    def _ranking_batch(self, function, count, arguments, nan_policy, ignore_undefined):
        dtypes = {"auroc": np.float64, "average_precision": np.float64, "status": np.int32}
        struct, arrays, _keep = _defaulted_outputs(_abi.RankingBatchOutputs, _abi.RANKING_BATCH_OUTPUTS,
                                                   _abi.RANKING_BATCH_OUTPUTS,
                                                   lambda name: ((count,), dtypes.get(name, np.int64)))
        averages = _sized(_abi.RankingAverages)
        _check(function(self._handle, *arguments, _abi.NAN_POLICIES[nan_policy], int(ignore_undefined),
                        ctypes.byref(struct), ctypes.byref(averages)))
        arrays.update({name: getattr(averages, name) for name in ("macro_auroc", "weighted_auroc",
                                                                   "macro_average_precision",
                                                                   "weighted_average_precision")})
        return arrays

    def auroc_one_vs_rest(self, probabilities, labels, nan_policy="error", ignore_undefined=False):
        """One-vs-rest AUROC / AP per class of probabilities [N, C] (f32/f64) and class labels [N] in [0, C)."""
        p, y = _input(probabilities), _input(labels)
        if y.array.dtype not in (np.int32, np.int64):
            y = _input(labels, dtype=np.int64)
        return self._ranking_batch(self._lib.uq_auroc_one_vs_rest, p.array.shape[1], (p.pointer, y.pointer),
                                   nan_policy, ignore_undefined)

    def auroc_segments(self, scores, labels, offsets, nan_policy="error", ignore_undefined=False):
        """AUROC / AP of every CSR segment scores[offsets[s]:offsets[s + 1]] against 0/1 labels."""
        s, y, o = _input(scores), _input(labels), _input(offsets, dtype=np.int64)
        return self._ranking_batch(self._lib.uq_auroc_segments, o.array.shape[0] - 1, (s.pointer, y.pointer, o.pointer),
                                   nan_policy, ignore_undefined)

    def recall_at_one(self, features, classes, uncertainty=None, nan_policy="error"):
        """Recall@1 of the cosine nearest neighbour of features [N, D] (f32/f64), and R-AUROC of -uncertainty."""
        f = _input(features)
        c = _input(classes, dtype=np.int64)
        u = _input(uncertainty, dtype=f.array.dtype)
        rows = f.array.shape[0]
        struct, arrays, _keep = _defaulted_outputs(_abi.RecallAtOneOutputs, _abi.RECALL_AT_ONE_OUTPUTS,
                                                   _abi.RECALL_AT_ONE_OUTPUTS,
                                                   lambda name: ((rows,), np.int32 if name == "nearest" else np.uint8))
        result = _sized(_abi.RecallAtOneResult)
        _check(self._lib.uq_recall_at_one(self._handle, f.pointer, c.pointer, _ptr(u), _abi.NAN_POLICIES[nan_policy],
                                          ctypes.byref(struct), ctypes.byref(result)))
        arrays.update(recall_at_one=result.recall_at_one, count=result.count, correct_count=result.correct,
                      r_auroc=result.r_auroc, r_average_precision=result.r_average_precision,
                      r_auroc_status=_abi.RANKING_STATUS[result.r_auroc_status])
        return arrays

    @staticmethod
    def _vmf_geometry(kappa, one_minus_cosine, first, second):
        dtype = kappa.array.dtype
        if one_minus_cosine is not None:
            return _input(one_minus_cosine, dtype=dtype), None, None, None
        a, b = _input(first, dtype=dtype), _input(second, dtype=dtype)
        return None, a, b, a.array.shape[1]

    def vmf_kl_divergence(self, kappa1, kappa2, one_minus_cosine=None, mu1=None, mu2=None, dimension=None,
                          outputs=("divergence",)):
        """KL(vMF(mu1, kappa1) || vMF(mu2, kappa2)) and its kappa-gradients, from 1 - mu1.mu2 or unit mu1, mu2 [N, d]."""
        k1 = _input(kappa1)
        k2 = _input(kappa2, dtype=k1.array.dtype)
        c, a, b, d = self._vmf_geometry(k1, one_minus_cosine, mu1, mu2)
        struct, arrays, _keep = _defaulted_outputs(_abi.VmfKlOutputs, outputs, _abi.VMF_KL_OUTPUTS,
                                                   lambda name: (k1.array.shape, k1.array.dtype))
        _check(self._lib.uq_vmf_kl_divergence(self._handle, k1.pointer, k2.pointer, _ptr(c), _ptr(a), _ptr(b),
                                              int(dimension if dimension is not None else d), ctypes.byref(struct)))
        return arrays

    def vmf_expected_likelihood_kernel(self, kappa1, kappa2, one_minus_cosine=None, mu1=None, mu2=None,
                                       dimension=None, rho=1.0):
        """log of the probability-product kernel of order rho between vMFs (rho = 1: expected likelihood kernel)."""
        k1 = _input(kappa1)
        k2 = _input(kappa2, dtype=k1.array.dtype)
        c, a, b, d = self._vmf_geometry(k1, one_minus_cosine, mu1, mu2)
        out = _Tensor(np.empty(k1.array.shape, dtype=k1.array.dtype))
        _check(self._lib.uq_vmf_expected_likelihood_kernel(
            self._handle, k1.pointer, k2.pointer, _ptr(c), _ptr(a), _ptr(b),
            int(dimension if dimension is not None else d), float(rho), out.pointer))
        return out.array

    def vmf_log_density(self, kappa, one_minus_cosine=None, mu=None, x=None, dimension=None,
                        outputs=("log_density",)):
        """log p(x) under vMF(mu, kappa) and d/dkappa, from 1 - mu.x or unit mu, x [N, d]."""
        k = _input(kappa)
        c, a, b, d = self._vmf_geometry(k, one_minus_cosine, mu, x)
        struct, arrays, _keep = _defaulted_outputs(_abi.VmfLogDensityOutputs, outputs, _abi.VMF_LOG_DENSITY_OUTPUTS,
                                                   lambda name: (k.array.shape, k.array.dtype))
        _check(self._lib.uq_vmf_log_density(self._handle, k.pointer, _ptr(c), _ptr(a), _ptr(b),
                                            int(dimension if dimension is not None else d), ctypes.byref(struct)))
        return arrays

    @staticmethod
    def _vmf_sample_options(samples, seed, offset, mode):
        return _sized(_abi.VmfSampleOptions, samples=samples, seed=seed, offset=offset, mode=_abi.VMF_SAMPLERS[mode])

    def vmf_sample(self, mu, kappa, samples=1, seed=0, offset=0, mode="exact"):
        """Draws samples [N, S, d] from vMF(mu_i, kappa_i) (mu unit rows [N, d], f32/f64); also cosines and proposals."""
        m = _input(mu)
        k = _input(kappa, dtype=m.array.dtype)
        n, d = m.array.shape
        shapes = {"samples": ((n, samples, d), m.array.dtype), "cosines": ((n, samples), m.array.dtype),
                  "proposals": ((n, samples), np.int32)}
        struct, arrays, _keep = _defaulted_outputs(_abi.VmfSampleOutputs, tuple(shapes), list(shapes), shapes.get)
        options = self._vmf_sample_options(samples, seed, offset, mode)
        _check(self._lib.uq_vmf_sample(self._handle, m.pointer, k.pointer, ctypes.byref(options), ctypes.byref(struct)))
        return arrays

    def vmf_sample_backward(self, mu, kappa, upstream, samples=1, seed=0, offset=0, mode="exact",
                            gradient_mode="implicit"):
        """dL/dmu [N, d] and dL/dkappa [N] of the samples vmf_sample drew with the same seed/offset/mode."""
        m = _input(mu)
        k = _input(kappa, dtype=m.array.dtype)
        g = _input(upstream, dtype=m.array.dtype)
        n, d = m.array.shape
        shapes = {"mu": ((n, d), m.array.dtype), "kappa": ((n,), m.array.dtype)}
        struct, arrays, _keep = _defaulted_outputs(_abi.VmfSampleGradients, tuple(shapes), list(shapes), shapes.get)
        options = self._vmf_sample_options(samples, seed, offset, mode)
        _check(self._lib.uq_vmf_sample_backward(self._handle, m.pointer, k.pointer, ctypes.byref(options), g.pointer,
                                                _abi.VMF_GRADIENTS[gradient_mode], ctypes.byref(struct)))
        return arrays

    def spearman(self, x, y, ranks="midrank", nan_policy="error"):
        """Spearman rank correlation of paired vectors (f32/f64): {'coefficient', 'count', 'status'}."""
        return self._correlation(x, y, _abi.SPEARMAN_RANKS[ranks], nan_policy, spearman=True)

    def pearson(self, x, y, nan_policy="error"):
        """Pearson correlation of paired vectors (f32/f64): {'coefficient', 'count', 'status'}."""
        return self._correlation(x, y, 0, nan_policy, spearman=False)

    def _correlation(self, x, y, ranks, nan_policy, spearman):
        a = _input(x)
        b = _input(y, dtype=a.array.dtype)
        result = _sized(_abi.CorrelationResult)
        policy = _abi.NAN_POLICIES[nan_policy]
        if spearman:
            _check(self._lib.uq_spearman(self._handle, a.pointer, b.pointer, ranks, policy, ctypes.byref(result)))
        else:
            _check(self._lib.uq_pearson(self._handle, a.pointer, b.pointer, policy, ctypes.byref(result)))
        return {"coefficient": result.coefficient, "count": result.count,
                "status": _abi.CORRELATION_STATUS[result.status]}

    def selective_prediction(self, uncertainty, correct, accuracy_targets=(0.95, 0.99), tie_policy="averaged",
                             nan_policy="error", start_index=200):
        """Risk-coverage metrics (AURC, E-AURC, AULC, ...) and coverage at each accuracy target."""
        u = _input(uncertainty)
        c = _input(correct, dtype=u.array.dtype)
        targets = _Tensor(np.asarray(accuracy_targets, dtype=np.float64))
        options = _sized(_abi.SelectivePredictionOptions, tie_policy=_abi.TIE_POLICIES[tie_policy],
                         nan_policy=_abi.NAN_POLICIES[nan_policy], start_index=start_index,
                         accuracy_targets=targets.pointer)
        result = _sized(_abi.SelectivePredictionResult)
        count = targets.array.shape[0]
        struct, arrays, _keep = _defaulted_outputs(_abi.SelectiveCoverage, ("parity", "corrected"),
                                                   ["parity", "corrected"], lambda name: ((count,), np.float64))
        _check(self._lib.uq_selective_prediction(self._handle, u.pointer, c.pointer, ctypes.byref(options),
                                                 ctypes.byref(result), ctypes.byref(struct)))
        values = {name: getattr(result, name) for name in _abi.SELECTIVE_FIELDS}
        values.update(count=result.count, status=_abi.SELECTIVE_STATUS[result.status],
                      coverage_parity=arrays["parity"], coverage_corrected=arrays["corrected"])
        return values
