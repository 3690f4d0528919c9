"""The uqkernels ctypes package against SciPy / scikit-learn references, for whichever library UQKERNELS_LIBRARY names
(CTest runs this file once per delivery: hosted and NativeAOT)."""
import ctypes
import os

import numpy as np
import pytest
from scipy import special, stats
from sklearn.metrics import average_precision_score, roc_auc_score

import uqkernels
from uqkernels import _abi

AOT = os.environ.get("UQKERNELS_VARIANT") == "aot"
DATA = os.environ.get("UQ_TEST_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data"))


@pytest.fixture(scope="module")
def ctx():
    with uqkernels.Context("cpu") as context:
        yield context


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(20240611)


def test_every_function_is_declared():
    library = uqkernels.library()
    for name, (restype, argtypes) in _abi.FUNCTIONS.items():
        function = getattr(library, name)
        assert function.restype is restype and function.argtypes == argtypes, name
    assert uqkernels.version() == (_abi.UQ_ABI_VERSION_MAJOR, _abi.UQ_ABI_VERSION_MINOR)


def test_context_info(ctx):
    info = ctx.info
    assert info["backend"] == "cpu" and "SIMD" in info["device_name"]


@pytest.mark.parametrize("dtype, tol", [(np.float32, 2e-6), (np.float64, 1e-13), (np.float16, 2e-3)])
def test_row_statistics_matches_scipy(ctx, rng, dtype, tol):
    logits = (rng.normal(size=(64, 37)) * 3).astype(dtype)
    labels = rng.integers(0, 37, size=64).astype(np.int64)
    out = ctx.row_statistics(logits, labels, outputs=("lse", "entropy", "msp", "nll", "brier", "argmax"))
    x = logits.astype(np.float64)
    p = special.softmax(x, axis=1)
    np.testing.assert_allclose(out["lse"], special.logsumexp(x, axis=1), rtol=tol, atol=tol)
    np.testing.assert_allclose(out["entropy"], stats.entropy(p, axis=1), rtol=tol, atol=tol)
    np.testing.assert_allclose(out["msp"], p.max(axis=1), rtol=tol, atol=tol)
    np.testing.assert_allclose(out["nll"], -special.log_softmax(x, axis=1)[np.arange(64), labels], rtol=tol, atol=tol)
    np.testing.assert_allclose(out["brier"], ((p - np.eye(37)[labels]) ** 2).sum(axis=1), rtol=tol, atol=tol)
    np.testing.assert_array_equal(out["argmax"], x.argmax(axis=1))
    assert out["entropy"].dtype == (np.float64 if dtype == np.float64 else np.float32)


def test_row_statistics_non_contiguous_views(ctx, rng):
    base = rng.normal(size=(40, 50)).astype(np.float32)
    for view in (base[::2, 3:20], base.T[:17, :30], base[5:25, 10:11]):
        out = ctx.row_statistics(view, outputs=("entropy",))
        np.testing.assert_allclose(out["entropy"], stats.entropy(special.softmax(view.astype(np.float64), axis=1),
                                                                 axis=1), rtol=2e-6, atol=2e-6)


def test_flat_entropy(ctx, rng):
    logits = rng.normal(size=(10, 7)).astype(np.float32)
    np.testing.assert_allclose(ctx.entropy(logits), stats.entropy(special.softmax(logits.astype(np.float64), axis=1),
                                                                  axis=1), rtol=2e-6, atol=2e-6)


class DLPackOnly:
    """Exposes an array only through the DLPack protocol (a PyCapsule named "dltensor")."""

    def __init__(self, array):
        self._array = array

    def __dlpack__(self, stream=None):
        return self._array.__dlpack__()


def test_dlpack_input(ctx, rng):
    logits = rng.normal(size=(8, 5))
    out = ctx.row_statistics(DLPackOnly(logits), outputs=("entropy",))
    np.testing.assert_allclose(out["entropy"], stats.entropy(special.softmax(logits, axis=1), axis=1), rtol=1e-13)


def test_soft_target_cross_entropy(ctx, rng):
    logits = rng.normal(size=(20, 9)) * 4
    targets = rng.dirichlet(np.ones(9), size=20)
    expected = -(targets * special.log_softmax(logits, axis=1)).sum(axis=1)
    np.testing.assert_allclose(ctx.soft_target_cross_entropy(logits, targets), expected, rtol=1e-13)


def test_token_statistics(ctx, rng):
    logits = rng.normal(size=(3, 6, 11))
    labels = rng.integers(0, 11, size=(3, 6)).astype(np.int32)
    labels[1, 2] = -100
    out = ctx.token_statistics(logits, labels, outputs=("token_nll", "sequence_sum_nll", "sequence_count"))
    log_p = special.log_softmax(logits[:, :-1, :], axis=2)
    target = labels[:, 1:]
    nll = -np.take_along_axis(log_p, np.where(target < 0, 0, target)[..., None], axis=2)[..., 0]
    valid = target != -100
    np.testing.assert_allclose(out["token_nll"][valid], nll[valid], rtol=1e-13)
    assert np.isnan(out["token_nll"][~valid]).all()
    np.testing.assert_allclose(out["sequence_sum_nll"], np.where(valid, nll, 0).sum(axis=1), rtol=1e-13)
    np.testing.assert_array_equal(out["sequence_count"], valid.sum(axis=1))


def test_ensemble_decomposition(ctx, rng):
    logits = rng.normal(size=(12, 5, 8)) * 2  # [B, M, C]
    out = ctx.ensemble_decomposition(logits, outputs=("total", "aleatoric", "epistemic_kl", "argmax_bma"))
    p = special.softmax(logits, axis=2)
    bma = p.mean(axis=1)
    total = stats.entropy(bma, axis=1)
    aleatoric = stats.entropy(p, axis=2).mean(axis=1)
    np.testing.assert_allclose(out["total"], total, rtol=1e-12)
    np.testing.assert_allclose(out["aleatoric"], aleatoric, rtol=1e-12)
    np.testing.assert_allclose(out["epistemic_kl"], total - aleatoric, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(out["argmax_bma"], bma.argmax(axis=1))
    member_major = ctx.ensemble_decomposition(np.ascontiguousarray(logits.transpose(1, 0, 2)), outputs=("total",),
                                              layout="member_major")
    np.testing.assert_allclose(member_major["total"], out["total"], rtol=1e-14)


def test_calibration_matches_numpy_bins(ctx, rng):
    confidence = rng.uniform(0.05, 0.999, size=500)
    correct = (rng.uniform(size=500) < confidence ** 1.5).astype(np.float64)
    out = ctx.calibration(confidence, correct, bins=10, include_bins=True)
    edges = np.arange(11) / 10.0
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, 9)  # right-closed (e_k, e_k+1]
    ece, mce = 0.0, 0.0
    for k in range(10):
        members = index == k
        if members.any():
            gap = abs(correct[members].mean() - confidence[members].mean())
            ece += members.mean() * gap
            mce = max(mce, gap)
        assert out["bin_counts"][k] == members.sum()
    assert out["ece"] == pytest.approx(ece, rel=1e-12)
    assert out["mce"] == pytest.approx(mce, rel=1e-12)
    assert out["binary_brier"] == pytest.approx(-np.mean((confidence - correct) ** 2), rel=1e-12)


def test_semantic_entropy(ctx):
    offsets = np.array([0, 3, 5], dtype=np.int64)
    ll = np.log(np.array([0.5, 0.25, 0.25, 0.9, 0.1]))
    clusters = np.array([4, 9, 9, 1, 2], dtype=np.int32)
    out = ctx.semantic_entropy(offsets, ll, clusters)
    np.testing.assert_allclose(out["rao"], [np.log(2), stats.entropy([0.9, 0.1])], rtol=1e-13)
    np.testing.assert_allclose(out["discrete"], [stats.entropy([1, 2]), np.log(2)], rtol=1e-13)
    np.testing.assert_allclose(out["naive_predictive"], [-ll[:3].mean(), -ll[3:].mean()], rtol=1e-13)


@pytest.mark.parametrize("dimension", [3, 16, 128])
def test_von_mises_fisher_against_scipy_bessel(ctx, dimension):
    kappa = np.array([0.5, 2.0, 10.0, 75.0, 300.0])
    nu = dimension / 2 - 1
    log_bessel = np.log(special.ive(nu, kappa)) + kappa
    log_c = nu * np.log(kappa) - dimension / 2 * np.log(2 * np.pi) - log_bessel
    a = special.ive(dimension / 2, kappa) / special.ive(nu, kappa)
    out = ctx.von_mises_fisher(kappa, dimension)
    np.testing.assert_allclose(out["log_normalizer"], log_c, rtol=1e-12)
    np.testing.assert_allclose(out["mean_resultant_length"], a, rtol=1e-12)
    np.testing.assert_allclose(out["entropy"], -log_c - kappa * a, rtol=1e-11, atol=1e-12)
    per_element = ctx.von_mises_fisher(kappa.astype(np.float32), np.full(5, dimension, np.int32))
    np.testing.assert_allclose(per_element["log_normalizer"], log_c, rtol=5e-6, atol=5e-6)


@pytest.mark.parametrize("n, ties", [(1000, False), (3000, True)])
def test_auroc_matches_sklearn(ctx, rng, n, ties):
    labels = (rng.uniform(size=n) < 0.3).astype(np.uint8)
    scores = rng.normal(size=n) + labels
    if ties:
        scores = np.round(scores, 1)
    out = ctx.auroc(scores.astype(np.float32), labels)
    assert out["auroc"] == pytest.approx(roc_auc_score(labels, scores.astype(np.float32)), abs=1e-15)
    assert out["average_precision"] == pytest.approx(average_precision_score(labels, scores.astype(np.float32)),
                                                     abs=1e-12)
    assert out["positives"] == labels.sum() and out["status"] == "ok"


def test_auroc_half_scores_rank_in_half(ctx, rng):
    labels = (rng.uniform(size=500) < 0.5).astype(np.uint8)
    scores = (rng.normal(size=500) + labels).astype(np.float16)  # many ties after rounding to f16
    assert ctx.auroc(scores, labels)["auroc"] == pytest.approx(roc_auc_score(labels, scores.astype(np.float64)),
                                                               abs=1e-15)


def test_auroc_reference_data(ctx):
    case = os.path.join(DATA, "ranking", "random_n2000")
    out = ctx.auroc(np.load(os.path.join(case, "scores.npy")), np.load(os.path.join(case, "labels.npy")))
    assert out["auroc"] == np.load(os.path.join(case, "auroc.npy"))[0]


def test_errors_carry_status_and_message(ctx):
    with pytest.raises(uqkernels.UqError) as error:
        ctx.row_statistics(np.zeros((2, 3), dtype=np.int32))
    assert error.value.status == _abi.UQ_ERR_UNSUPPORTED_DTYPE and "logits" in str(error.value)
    with pytest.raises(uqkernels.UqError) as error:
        ctx.row_statistics(np.zeros((2, 3), dtype=np.float32), np.array([0, 7]), outputs=("nll",))
    assert error.value.status == _abi.UQ_ERR_INVALID_ARGUMENT and "labels" in str(error.value)
    with pytest.raises(uqkernels.UqError) as error:
        ctx.auroc(np.array([0.1, np.nan]), np.array([0, 1], dtype=np.uint8))
    assert error.value.status == _abi.UQ_ERR_INVALID_ARGUMENT
    assert ctx.auroc(np.array([0.1, np.nan, 0.3]), np.array([0, 1, 1], np.uint8), nan_policy="omit")["auroc"] == 1.0
    message = uqkernels.library().uq_last_error_message()
    assert message == b""


def test_null_pointers_are_reported_not_crashes(ctx):
    library = uqkernels.library()
    status = library.uq_entropy_f32(None, None, 1, 1, None)
    assert status == _abi.UQ_ERR_INVALID_ARGUMENT
    handle = ctypes.c_void_p()
    assert library.uq_context_create(None, ctypes.byref(handle)) == _abi.UQ_OK
    assert library.uq_context_destroy(handle) == _abi.UQ_OK
    assert library.uq_context_destroy(None) == _abi.UQ_OK


def test_ilgpu_backend(ctx):
    if AOT:
        with pytest.raises(uqkernels.UqError) as error:
            uqkernels.Context("ilgpu-cpu")
        assert error.value.status == _abi.UQ_ERR_DEVICE_UNAVAILABLE and "NativeAOT" in str(error.value)
    else:
        logits = np.array([[0.0, 0.0], [np.log(3.0), 0.0]], dtype=np.float32)
        with uqkernels.Context("ilgpu-cpu") as gpu_like:
            assert gpu_like.info["backend"] == "ilgpu-cpu"
            np.testing.assert_allclose(gpu_like.entropy(logits), ctx.entropy(logits), rtol=1e-6)


def test_auroc_columns_matches_sklearn_per_column(ctx, rng):
    labels = (rng.uniform(size=300) < 0.4).astype(np.uint8)
    scores = rng.normal(size=(300, 6)) + labels[:, None] * np.linspace(0, 2, 6)
    for view in (scores, np.asfortranarray(scores), scores[:, ::2]):
        out = ctx.auroc_columns(view, labels)
        expected = [roc_auc_score(labels, view[:, k]) for k in range(view.shape[1])]
        np.testing.assert_allclose(out["auroc"], expected, rtol=0, atol=1e-15)
        np.testing.assert_allclose(out["average_precision"],
                                   [average_precision_score(labels, view[:, k]) for k in range(view.shape[1])],
                                   rtol=1e-12)
        assert out["macro_auroc"] == pytest.approx(np.mean(expected), abs=1e-15)


def test_correlations_match_scipy(ctx, rng):
    x = rng.normal(size=200)
    y = x + rng.normal(size=200)
    y_tied = np.round(y)
    assert ctx.spearman(x, y_tied)["coefficient"] == pytest.approx(stats.spearmanr(x, y_tied).correlation, abs=1e-13)
    assert ctx.pearson(x, y)["coefficient"] == pytest.approx(stats.pearsonr(x, y)[0], abs=1e-13)
    assert ctx.spearman(np.ones(5), np.arange(5.0))["status"] == "constant"


def test_selective_prediction_matches_numpy(ctx, rng):
    uncertainty = rng.uniform(size=400)
    correct = (rng.uniform(size=400) > uncertainty).astype(np.float64)
    out = ctx.selective_prediction(uncertainty, correct, accuracy_targets=(0.9,), tie_policy="stable")
    order = np.argsort(uncertainty, kind="stable")
    errors = np.cumsum(1 - correct[order])
    k = np.arange(1, 401)
    assert out["aurc"] == pytest.approx(np.mean(errors / k), rel=1e-12)
    accuracy = np.cumsum(correct[order]) / k
    meets = np.nonzero(accuracy >= 0.9)[0]
    assert out["coverage_corrected"][0] == pytest.approx((meets.max() + 1) / 400 if meets.size else 0.0)
    assert out["error_rate"] == pytest.approx(1 - correct.mean())


def test_auroc_one_vs_rest_matches_sklearn(ctx, rng):
    logits = rng.normal(size=(300, 4))
    probabilities = special.softmax(logits, axis=1)
    labels = rng.integers(0, 4, size=300)
    result = ctx.auroc_one_vs_rest(probabilities, labels)
    for c in range(4):
        assert result["auroc"][c] == pytest.approx(roc_auc_score(labels == c, probabilities[:, c]), abs=1e-12)
        assert result["average_precision"][c] == pytest.approx(
            average_precision_score(labels == c, probabilities[:, c]), abs=1e-12)
    assert result["macro_auroc"] == pytest.approx(roc_auc_score(labels, probabilities, multi_class="ovr"), abs=1e-12)
    assert result["weighted_auroc"] == pytest.approx(
        roc_auc_score(labels, probabilities, multi_class="ovr", average="weighted"), abs=1e-12)
    with pytest.raises(uqkernels.UqError, match="labels"):
        ctx.auroc_one_vs_rest(probabilities, np.full(300, 7))


def test_auroc_segments_matches_sklearn(ctx, rng):
    scores = rng.normal(size=200).astype(np.float32)
    labels = (rng.random(200) < 0.4).astype(np.uint8)
    offsets = np.array([0, 50, 120, 200])
    result = ctx.auroc_segments(scores, labels, offsets)
    for s in range(3):
        part = slice(offsets[s], offsets[s + 1])
        assert result["auroc"][s] == pytest.approx(roc_auc_score(labels[part], scores[part]), abs=1e-12)


def test_recall_at_one_matches_numpy_brute_force(ctx, rng):
    features = rng.normal(size=(120, 16))
    classes = rng.integers(0, 3, size=120)
    uncertainty = rng.random(120)
    result = ctx.recall_at_one(features, classes, uncertainty)
    unit = features / np.linalg.norm(features, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = similarity.argmax(axis=1)
    correct = classes[nearest] == classes
    assert np.array_equal(result["nearest"], nearest)
    assert result["recall_at_one"] == pytest.approx(correct.mean(), abs=1e-15)
    assert result["r_auroc"] == pytest.approx(roc_auc_score(correct, -uncertainty), abs=1e-12)


def test_vmf_pair_ops_match_closed_form_at_d3(ctx, rng):
    kappa1, kappa2 = rng.uniform(0.5, 20, size=50), rng.uniform(0.5, 20, size=50)
    mu1 = rng.normal(size=(50, 3))
    mu2 = rng.normal(size=(50, 3))
    mu1 /= np.linalg.norm(mu1, axis=1, keepdims=True)
    mu2 /= np.linalg.norm(mu2, axis=1, keepdims=True)
    gap = 0.5 * np.sum((mu1 - mu2) ** 2, axis=1)

    def log_c(k):  # log C_3(kappa) = log kappa - log(4 pi sinh kappa)
        return np.log(k) - np.log(4 * np.pi) - (k + np.log1p(-np.exp(-2 * k)) - np.log(2))

    def a(k):  # A_3(kappa) = coth kappa - 1 / kappa
        return 1 / np.tanh(k) - 1 / k

    expected = log_c(kappa1) - log_c(kappa2) + a(kappa1) * (kappa1 - kappa2 * (1 - gap))
    kl = ctx.vmf_kl_divergence(kappa1, kappa2, one_minus_cosine=gap, dimension=3)["divergence"]
    np.testing.assert_allclose(kl, expected, rtol=1e-10, atol=1e-10)
    from_vectors = ctx.vmf_kl_divergence(kappa1, kappa2, mu1=mu1, mu2=mu2)["divergence"]
    np.testing.assert_allclose(from_vectors, kl, rtol=1e-12, atol=1e-12)
    log_p = ctx.vmf_log_density(kappa1, one_minus_cosine=gap, dimension=3)["log_density"]
    np.testing.assert_allclose(log_p, log_c(kappa1) + kappa1 * (1 - gap), rtol=1e-10, atol=1e-10)
    norm = np.sqrt(kappa1 ** 2 + kappa2 ** 2 + 2 * kappa1 * kappa2 * (1 - gap))
    elk = ctx.vmf_expected_likelihood_kernel(kappa1, kappa2, one_minus_cosine=gap, dimension=3)
    np.testing.assert_allclose(elk, log_c(kappa1) + log_c(kappa2) - log_c(norm), rtol=1e-10, atol=1e-10)
    with pytest.raises(uqkernels.UqError, match="kappa2"):
        ctx.vmf_kl_divergence(kappa1, -kappa2, one_minus_cosine=gap, dimension=3)


def test_vmf_sample_is_unit_and_reproducible(ctx, rng):
    mu = rng.normal(size=(6, 5))
    mu /= np.linalg.norm(mu, axis=1, keepdims=True)
    kappa = np.array([0.0, 0.5, 2.0, 10.0, 50.0, 1000.0])
    first = ctx.vmf_sample(mu, kappa, samples=4, seed=7, offset=3)
    again = ctx.vmf_sample(mu, kappa, samples=4, seed=7, offset=3)
    other = ctx.vmf_sample(mu, kappa, samples=4, seed=8, offset=3)
    assert first["samples"].shape == (6, 4, 5)
    np.testing.assert_allclose(np.linalg.norm(first["samples"], axis=2), 1.0, atol=1e-12)
    assert np.array_equal(first["samples"], again["samples"])
    assert not np.array_equal(first["samples"], other["samples"])
    np.testing.assert_allclose(np.einsum("nsd,nd->ns", first["samples"], mu), first["cosines"], atol=1e-12)
    assert (first["proposals"] >= 1).all()
    gradients = ctx.vmf_sample_backward(mu, kappa, np.ones((6, 4, 5)), samples=4, seed=7, offset=3)
    assert gradients["mu"].shape == (6, 5) and np.isfinite(gradients["kappa"]).all()
    np.testing.assert_allclose(np.sum(gradients["mu"] * mu, axis=1), 0.0, atol=1e-10)  # tangent to the sphere
