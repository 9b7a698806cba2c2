#!/usr/bin/python3
"""Writes svm_fixtures.json: scikit-learn 1.2.1 SVC / SVR / OneClassSVM fitted on small data
sets, for tests/svm/svm_fixtures_test.cpp. Run with Debian's /usr/bin/python3 from this folder:

    /usr/bin/python3 gen_svm_fixtures.py

Every SVC pair is stored in prognos' layout: coefficients y*alpha per support vector and pair
(positive = first class of the pair, libsvm's raw sign from the private _dual_coef_), rho per
pair (-_intercept_), and the dual objective 0.5 c'Kc - sum|c| computed from them.
"""
import json

import numpy as np
import sklearn
from sklearn.svm import SVC, SVR, OneClassSVM
from sklearn.metrics.pairwise import pairwise_kernels

TOL = 1e-7


def kernel_matrix(kind, A, B, gamma, degree=3, coef0=0.0):
    if kind == "linear":
        return A @ B.T
    if kind == "rbf":
        return pairwise_kernels(A, B, metric="rbf", gamma=gamma)
    if kind == "poly":
        return (gamma * (A @ B.T) + coef0) ** degree
    return np.tanh(gamma * (A @ B.T) + coef0)


def round_data(X):
    # Values on a coarse grid print exactly in JSON and read back bit for bit.
    return np.round(X * 64) / 64


def svc_case(name, X, y, kernel, C, gamma):
    m = SVC(kernel=kernel, C=C, gamma=gamma, tol=TOL, shrinking=True).fit(X, y)
    classes = list(m.classes_)
    k = len(classes)
    sup = m.support_
    nsv = m.n_support_
    start = np.concatenate([[0], np.cumsum(nsv)])
    raw = m._dual_coef_  # (k-1) x n_sv, libsvm's sign
    n_pairs = k * (k - 1) // 2
    coef = np.zeros((len(sup), n_pairs))
    rho = []
    objective = 0.0
    g = m._gamma
    p = 0
    for a in range(k):
        for b in range(a + 1, k):
            ia = np.arange(start[a], start[a + 1])
            ib = np.arange(start[b], start[b + 1])
            coef[ia, p] = raw[b - 1, ia]
            coef[ib, p] = raw[a, ib]
            idx = np.concatenate([ia, ib])
            c = coef[idx, p]
            K = kernel_matrix(kernel, X[sup[idx]], X[sup[idx]], g)
            objective += 0.5 * c @ K @ c - np.abs(c).sum()
            rho.append(-m._intercept_[p])
            p += 1
    Xt = round_data(np.random.RandomState(7).uniform(X.min(0), X.max(0), size=(15, X.shape[1])))
    return {
        "name": name, "kind": "svc", "kernel": kernel, "C": C,
        "gamma": g, "X": X.tolist(), "y": [int(v) for v in y],
        "classes": [int(c) for c in classes], "support": sup.tolist(),
        "n_support": nsv.tolist(), "coef": coef.tolist(), "rho": rho,
        "objective": objective, "X_test": Xt.tolist(),
        "decision": m.decision_function(Xt).reshape(len(Xt), -1).tolist(),
        "predict": [int(v) for v in m.predict(Xt)],
    }


def main():
    rng = np.random.RandomState(0)
    cases = []

    # Two overlapping blobs in 2-D: linear and RBF.
    X = round_data(np.vstack([rng.normal(0, 1, (20, 2)), rng.normal(1.5, 1, (20, 2))]))
    y = np.array([0] * 20 + [1] * 20)
    cases.append(svc_case("binary_linear", X, y, "linear", 1.0, "scale"))
    cases.append(svc_case("binary_rbf", X, y, "rbf", 2.0, 0.5))

    # Three classes (labels -1, 4, 7: not 0..k-1 on purpose).
    X3 = round_data(np.vstack([rng.normal(c, 0.9, (15, 2)) for c in ([0, 0], [2, 0], [1, 2])]))
    y3 = np.array([-1] * 15 + [4] * 15 + [7] * 15)
    cases.append(svc_case("three_rbf", X3, y3, "rbf", 1.0, "scale"))
    cases.append(svc_case("three_linear", X3, y3, "linear", 0.5, "scale"))

    # SVR on a noisy sine.
    Xr = round_data(rng.uniform(-3, 3, (40, 1)))
    yr = np.round(np.sin(Xr[:, 0]) + rng.normal(0, 0.1, 40), 4)
    r = SVR(kernel="rbf", C=3.0, epsilon=0.1, gamma=0.5, tol=TOL).fit(Xr, yr)
    c = r.dual_coef_[0]
    K = kernel_matrix("rbf", Xr[r.support_], Xr[r.support_], 0.5)
    Xrt = round_data(np.linspace(-3, 3, 13).reshape(-1, 1))
    cases.append({
        "name": "svr_rbf", "kind": "svr", "kernel": "rbf", "C": 3.0, "epsilon": 0.1,
        "gamma": 0.5, "X": Xr.tolist(), "y": yr.tolist(), "support": r.support_.tolist(),
        "coef": c.tolist(), "intercept": float(r.intercept_[0]),
        "objective": float(0.5 * c @ K @ c + 0.1 * np.abs(c).sum() - yr[r.support_] @ c),
        "X_test": Xrt.tolist(), "predict": r.predict(Xrt).tolist(),
    })

    # One-class: trained on 60 normal rows around the origin; the test rows are 4 planted
    # outliers far away followed by 4 ordinary rows. (An outlier inside the training data
    # would become a bounded support vector and score as an inlier at its own position.)
    Xo = round_data(rng.normal(0, 1, (60, 2)))
    Xot = np.array([[6, 6], [-6, 5], [5, -6], [-6, -6], [0, 0], [0.5, -0.5], [-0.25, 0.75],
                    [0.25, 0.25]])
    o = OneClassSVM(kernel="rbf", nu=0.1, gamma=0.3, tol=TOL).fit(Xo)
    c = o.dual_coef_[0]
    K = kernel_matrix("rbf", Xo[o.support_], Xo[o.support_], 0.3)
    cases.append({
        "name": "one_class_rbf", "kind": "one_class", "kernel": "rbf", "nu": 0.1, "gamma": 0.3,
        "X": Xo.tolist(), "support": o.support_.tolist(), "coef": c.tolist(),
        "offset": float(o.offset_[0]), "objective": float(0.5 * c @ K @ c),
        "X_test": Xot.tolist(), "decision": o.decision_function(Xot).tolist(),
        "predict": o.predict(Xot).tolist(),
    })

    with open("svm_fixtures.json", "w") as f:
        json.dump({"generator": "gen_svm_fixtures.py", "sklearn": sklearn.__version__,
                   "tol": TOL, "cases": cases}, f)


if __name__ == "__main__":
    main()
