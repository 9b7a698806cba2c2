#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes cart3_fixtures.json: scikit-learn references for cost-complexity pruning (ccp_alpha
and cost_complexity_pruning_path), best-first growth (max_leaf_nodes) and the absolute-error
regression criterion.

Run with Debian's /usr/bin/python3 (scikit-learn 1.2.1):
    /usr/bin/python3 tests/data/tree/gen_cart3_fixtures.py

Data are built as in gen_tree_fixtures.py: features are multiples of 1/32 (exact in float32,
scikit-learn's tree dtype, so thresholds agree bit for bit), few rows (every column has far
fewer than 255 distinct values, so prognos searches them exactly), and a data set is kept only
if ten random_state values give the identical tree and, at every split, no second candidate
comes within 1e-9 of the best (recomputed here from the definitions): ties that rounding
decides could go either way in another implementation. Best-first cases also need the splits
left waiting to differ in gain from the splits made.
Trees are written in pre-order (scikit-learn numbers best-first trees in the order nodes were
added; prognos renumbers every tree in pre-order). Pruning fixtures use ccp_alpha values
halfway between consecutive distinct path alphas, so rounding cannot decide which links go.
"""
import json
import os

import numpy as np
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

HERE = os.path.dirname(os.path.abspath(__file__))


def preorder(m):
    t = m.tree_
    order, stack = [], [0]
    while stack:
        u = stack.pop()
        order.append(u)
        if t.children_left[u] != -1:
            stack.append(int(t.children_right[u]))
            stack.append(int(t.children_left[u]))
    new_id = {u: k for k, u in enumerate(order)}
    feature, threshold, left, right = [], [], [], []
    for u in order:
        leaf = t.children_left[u] == -1
        feature.append(-1 if leaf else int(t.feature[u]))
        threshold.append(0.0 if leaf else float(t.threshold[u]))
        left.append(-1 if leaf else new_id[int(t.children_left[u])])
        right.append(-1 if leaf else new_id[int(t.children_right[u])])
    return {"feature": feature, "threshold": threshold, "left": left, "right": right}


def same_tree(a, b):
    return preorder(a) == preorder(b)


def make_data(rng, n, d, kind, noise):
    X = rng.integers(0, 256, size=(n, d)) / 32.0
    score = X[:, 0] - 0.7 * X[:, 1] + 0.3 * X[:, 2 % d] * (X[:, 0] > 4) + rng.normal(0, noise, n)
    if kind == "classifier":
        labels = np.array([-3, 0, 5])
        y = labels[np.digitize(score, [-1.0, 1.5])]
    else:
        y = np.round(score * 3.0 + rng.normal(0, 0.5, n), 6)
    Xt = rng.integers(0, 512, size=(40, d)) / 64.0
    return X, y, Xt


def fitted(kind, params, X, y, w, seed):
    Cls = DecisionTreeClassifier if kind == "classifier" else DecisionTreeRegressor
    return Cls(random_state=seed, **params).fit(X, y, sample_weight=w)


def weighted_median(v, w):
    # scikit-learn's: the first sorted value at which the running weight reaches half the
    # total, or the mean of it and the next when it equals half exactly.
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    half = w.sum() / 2.0
    k = int(np.argmax(cum >= half))
    if cum[k] == half and k + 1 < len(v):
        return (v[k] + v[k + 1]) / 2.0
    return v[k]


def impurity(y, w, criterion):
    W = w.sum()
    if criterion in ("gini", "entropy"):
        p = np.array([w[y == c].sum() for c in np.unique(y)]) / W
        return 1.0 - (p * p).sum() if criterion == "gini" else -(p * np.log2(p)).sum()
    if criterion == "squared_error":
        mean = (w * y).sum() / W
        return (w * (y - mean) ** 2).sum() / W
    return (w * np.abs(y - weighted_median(y, w))).sum() / W


def node_has_tie(X, y, w, criterion, rows, min_leaf):
    """Whether two candidate splits of these rows are within rounding of the best one."""
    costs = []
    for f in range(X.shape[1]):
        values = np.unique(X[rows, f])
        for a, b in zip(values[:-1], values[1:]):
            left = rows[X[rows, f] <= (a + b) / 2]
            right = rows[X[rows, f] > (a + b) / 2]
            if len(left) < min_leaf or len(right) < min_leaf:
                continue
            costs.append(w[left].sum() * impurity(y[left], w[left], criterion) +
                         w[right].sum() * impurity(y[right], w[right], criterion))
    costs.sort()
    return len(costs) > 1 and costs[1] - costs[0] <= 1e-9 * max(1.0, abs(costs[0]))


def tie_free(kind, params, X, y, w):
    """Ten random_state values must give the same tree, and at no split node may a second
    candidate come within 1e-9 of the best (a tie rounding would decide, even when scikit-
    learn decides it the same way each time). Best-first trees also need distinct
    improvements, since those order the growth."""
    models = [fitted(kind, params, X, y, w, r) for r in range(10)]
    if not all(same_tree(models[0], m) for m in models[1:]):
        return False, models[0]
    m = models[0]
    criterion = params.get("criterion", "gini" if kind == "classifier" else "squared_error")
    ww = np.ones(len(y)) if w is None else w
    paths = m.decision_path(X).toarray().astype(bool)
    t = m.tree_
    for node in range(t.node_count):
        if t.children_left[node] == -1:
            continue
        rows = np.flatnonzero(paths[:, node])
        if node_has_tie(X, y, ww, criterion, rows, params.get("min_samples_leaf", 1)):
            return False, m
    return True, m


def split_gains(m):
    """Weighted impurity decrease of every split, keyed by its path from the root."""
    t = m.tree_
    out, stack = {}, [(0, "")]
    while stack:
        node, path = stack.pop()
        l, r = t.children_left[node], t.children_right[node]
        if l == -1:
            continue
        out[path] = (t.weighted_n_node_samples[node] * t.impurity[node] -
                     t.weighted_n_node_samples[l] * t.impurity[l] -
                     t.weighted_n_node_samples[r] * t.impurity[r])
        stack += [(l, path + "L"), (r, path + "R")]
    return out


def best_first_ambiguous(full, m):
    """Whether a split left waiting in the best-first frontier has a gain within rounding of
    one that was made (then the order of equal gains would decide the tree)."""
    all_gains, made = split_gains(full), split_gains(m)
    waiting = [g for p, g in all_gains.items() if p not in made and (p == "" or p[:-1] in made)]
    return any(abs(a - b) <= 1e-9 * max(1.0, abs(a)) for a in made.values() for b in waiting)


DATASETS = {}


def dataset(X, y, w, Xt):
    """Stores a data set once and returns its key (cases refer to it by name)."""
    key = "d%d" % len(DATASETS)
    DATASETS[key] = {"X": X.tolist(), "y": y.tolist(), "X_test": Xt.tolist()}
    if w is not None:
        DATASETS[key]["sample_weight"] = w.tolist()
    return key


def describe(name, kind, params, data, Xt, m):
    # Predictions on the 40 test rows; the training rows are covered by comparing the tree
    # itself. Probabilities and regression predictions are rounded to 10 decimals to keep the
    # file small (the test allows 1e-9).
    case = {
        "name": name, "kind": kind, "params": params, "data": data,
        "depth": int(m.get_depth()), "node_count": int(m.tree_.node_count),
        "n_leaves": int(m.get_n_leaves()),
    }
    case.update(preorder(m))
    if kind == "classifier":
        case["predict"] = m.predict(Xt).tolist()
        case["classes"] = m.classes_.tolist()
        case["proba"] = np.round(m.predict_proba(Xt), 10).tolist()
    else:
        case["predict"] = np.round(m.predict(Xt), 10).tolist()
    return case


def find_data(kind, base_params, n, d, seed, noise, weights=None):
    """A data set on which the unpruned tree of base_params is tie-free (see tie_free)."""
    rng = np.random.default_rng(seed)
    for _ in range(2000):
        X, y, Xt = make_data(rng, n, d, kind, noise)
        w = None if weights is None else weights(rng, n)
        ok, m = tie_free(kind, base_params, X, y, w)
        if ok:
            return X, y, w, Xt, m
    raise RuntimeError("no tie-free data set")


def ccp_cases(name, kind, n, seed, noise, criterion=None, weights=None, extra=None):
    base = dict(extra or {})
    if criterion is not None:
        base["criterion"] = criterion
    X, y, w, Xt, full = find_data(kind, base, n, 3, seed, noise, weights)
    path = full.cost_complexity_pruning_path(X, y, sample_weight=w)
    alphas = [float(a) for a in path.ccp_alphas]
    distinct = sorted(set(alphas))
    # Halfway between well separated distinct alphas at a quarter, half, three quarters of
    # the path, and above the last one (prunes to the root).
    picks = []
    for frac in (0.25, 0.5, 0.75):
        k = max(1, int(len(distinct) * frac))
        lo, hi = distinct[k - 1], distinct[k]
        if hi - lo > 1e-9 * max(1.0, hi):
            picks.append((lo + hi) / 2)
    picks.append(distinct[-1] * 2 + 1e-3)
    out = []
    data = dataset(X, y, w, Xt)
    for a in picks:
        params = dict(base, ccp_alpha=a)
        m = fitted(kind, params, X, y, w, 0)
        case = describe("%s ccp_alpha=%.6g" % (name, a), kind, params, data, Xt, m)
        case["path_alphas"] = alphas
        case["path_impurities"] = [float(v) for v in path.impurities]
        out.append(case)
    return out


def leaf_cases(name, kind, n, seed, noise, extra=None):
    base = dict(extra or {})
    rng = np.random.default_rng(seed)
    for _ in range(2000):
        X, y, Xt = make_data(rng, n, 3, kind, noise)
        w = None
        ok, full = tie_free(kind, base, X, y, w)
        if not ok:
            continue
        models = [fitted(kind, dict(base, max_leaf_nodes=k), X, y, w, 0) for k in (2, 5, 8)]
        if not any(best_first_ambiguous(full, m) for m in models):
            break
    else:
        raise RuntimeError("no tie-free data set for " + name)
    out = []
    data = dataset(X, y, w, Xt)
    for leaves in (2, 5, 8, 1000):
        params = dict(base, max_leaf_nodes=leaves)
        m = fitted(kind, params, X, y, w, 0)
        out.append(describe("%s max_leaf_nodes=%d" % (name, leaves), kind, params, data, Xt, m))
    return out


def main():
    cases = []
    cases += ccp_cases("clf gini", "classifier", 70, 11, 1.0)
    cases += ccp_cases("clf entropy", "classifier", 70, 12, 1.0, criterion="entropy")
    # Regression trees stop at min_samples_leaf = 4: below that, one row extreme in two
    # features at once makes identical partitions by either feature, an exact tie.
    cases += ccp_cases("reg squared_error", "regressor", 50, 13, 1.0,
                       extra={"max_depth": 5, "min_samples_leaf": 4})
    cases += ccp_cases("clf weighted", "classifier", 60, 14, 1.0,
                       weights=lambda rng, n: rng.integers(1, 5, size=n) / 4.0)
    cases += leaf_cases("clf gini", "classifier", 70, 21, 1.0)
    cases += leaf_cases("reg squared_error", "regressor", 50, 22, 1.0,
                        {"max_depth": 5, "min_samples_leaf": 4})
    cases += leaf_cases("clf depth 3", "classifier", 70, 23, 1.0, {"max_depth": 3})
    # Absolute error: medians in the leaves, mean absolute deviation as impurity (the path's
    # impurities check it), with and without sample weights (weighted medians).
    cases += ccp_cases("reg absolute_error", "regressor", 50, 15, 1.0,
                       criterion="absolute_error", extra={"max_depth": 5, "min_samples_leaf": 4})
    # Weighted absolute error: the tree and its leaf medians only. scikit-learn 1.2.1's node
    # impurities under sample weights are sometimes taken about a different median than the
    # node's value (its incrementally updated median calculator), so its pruning path there
    # is not a reference; prognos uses the node's weighted median throughout.
    params = {"criterion": "absolute_error", "max_depth": 5, "min_samples_leaf": 4}
    X, y, w, Xt, m = find_data("regressor", params, 50, 3, 16, 1.0,
                               lambda rng, n: rng.integers(1, 5, size=n) / 4.0)
    cases.append(describe("reg absolute_error weighted", "regressor", params,
                          dataset(X, y, w, Xt), Xt, m))
    cases += leaf_cases("reg absolute_error", "regressor", 50, 25, 1.0,
                        {"criterion": "absolute_error", "max_depth": 5, "min_samples_leaf": 4})
    # Both at once: best-first growth, then pruning.
    rng = np.random.default_rng(24)
    while True:
        X, y, Xt = make_data(rng, 70, 3, "classifier", 1.0)
        w = None
        ok, full = tie_free("classifier", {}, X, y, w)
        if ok and not best_first_ambiguous(full, fitted("classifier", {"max_leaf_nodes": 12},
                                                         X, y, w, 0)):
            break
    path = fitted("classifier", {"max_leaf_nodes": 12}, X, y, w, 0) \
        .cost_complexity_pruning_path(X, y)
    distinct = sorted(set(float(a) for a in path.ccp_alphas))
    a = (distinct[len(distinct) // 2 - 1] + distinct[len(distinct) // 2]) / 2
    params = {"max_leaf_nodes": 12, "ccp_alpha": a}
    cases.append(describe("clf max_leaf_nodes=12 ccp_alpha", "classifier", params,
                          dataset(X, y, w, Xt), Xt, fitted("classifier", params, X, y, w, 0)))

    with open(os.path.join(HERE, "cart3_fixtures.json"), "w") as f:
        json.dump({"generator": "gen_cart3_fixtures.py", "sklearn": "1.2.1",
                   "datasets": DATASETS, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
