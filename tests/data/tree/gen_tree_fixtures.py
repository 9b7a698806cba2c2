#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the scikit-learn reference fixtures for tests/tree and tests/ensemble.

Run with Debian's /usr/bin/python3 (scikit-learn 1.2.1):
    /usr/bin/python3 tests/data/tree/gen_tree_fixtures.py

tree_fixtures.json: single trees with all features on small data. Features are multiples of
1/32 and test rows multiples of 1/64, all exact in float32 (scikit-learn's tree dtype), so its
thresholds (midpoints computed in double) equal prognos' bit for bit, and some test values
equal a threshold exactly. A data set is accepted only if ten different random_state values
give the identical tree: scikit-learn permutes features at random, so that proves there are
no tied split candidates whose order would decide the tree.

forest_fixtures.json: a make_classification / make_regression set with scikit-learn's forest
scores averaged over five seeds; forests are random, so tests compare scores, not trees.
"""
import json
import os

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

HERE = os.path.dirname(os.path.abspath(__file__))


def same_tree(a, b):
    return (np.array_equal(a.tree_.feature, b.tree_.feature)
            and np.array_equal(a.tree_.threshold, b.tree_.threshold)
            and np.array_equal(a.tree_.children_left, b.tree_.children_left))


def make_data(rng, n, d, kind, noise):
    X = rng.integers(0, 256, size=(n, d)) / 32.0
    c = [X[:, j % d] for j in range(3)]
    score = c[0] - 0.7 * c[1] + 0.3 * c[2] * (c[0] > 4) + rng.normal(0, noise, n)
    if kind == "classifier":
        labels = np.array([-3, 0, 5])
        y = labels[np.digitize(score, [-1.0, 1.5])]
    else:
        y = np.round(score * 3.0 + rng.normal(0, 0.5, n), 6)
    Xt = rng.integers(0, 512, size=(40, d)) / 64.0
    return X, y, Xt


def tree_case(name, kind, params, n, d, seed, noise):
    rng = np.random.default_rng(seed)
    Cls = DecisionTreeClassifier if kind == "classifier" else DecisionTreeRegressor
    for attempt in range(2000):
        X, y, Xt = make_data(rng, n, d, kind, noise)
        models = [Cls(random_state=r, **params).fit(X, y) for r in range(10)]
        if all(same_tree(models[0], m) for m in models[1:]):
            break
    else:
        raise RuntimeError("no tie-free data set for " + name)
    m = models[0]
    # Test rows plus every training row, so both unseen values and seen ones are checked.
    Xq = np.vstack([Xt, X])
    case = {
        "name": name, "kind": kind, "params": params,
        "X": X.tolist(), "y": y.tolist(), "X_test": Xq.tolist(),
        "predict": m.predict(Xq).tolist(),
        "depth": int(m.get_depth()), "node_count": int(m.tree_.node_count),
        "feature": [int(f) if f >= 0 else -1 for f in m.tree_.feature],
        "threshold": [float(t) if f >= 0 else 0.0 for f, t in zip(m.tree_.feature, m.tree_.threshold)],
        "left": m.tree_.children_left.tolist(), "right": m.tree_.children_right.tolist(),
    }
    if kind == "classifier":
        case["classes"] = m.classes_.tolist()
        case["proba"] = m.predict_proba(Xq).tolist()
    return case


def forest_fixture():
    X, y = make_classification(n_samples=700, n_features=6, n_informative=3, n_redundant=1,
                               flip_y=0.03, random_state=7)
    X = np.round(X, 3)
    Xr, yr = make_regression(n_samples=500, n_features=4, n_informative=3, noise=10.0,
                             random_state=11)
    Xr = np.round(Xr, 3)
    yr = np.round(yr, 3)
    acc = [accuracy_score(y[400:], RandomForestClassifier(n_estimators=100, random_state=s)
                          .fit(X[:400], y[:400]).predict(X[400:])) for s in range(5)]
    r2 = [r2_score(yr[300:], RandomForestRegressor(n_estimators=100, random_state=s)
                   .fit(Xr[:300], yr[:300]).predict(Xr[300:])) for s in range(5)]
    return {
        "classification": {"X": X.tolist(), "y": y.tolist(), "n_train": 400,
                           "sklearn_accuracy_mean": float(np.mean(acc)),
                           "sklearn_accuracy_min": float(np.min(acc)),
                           "sklearn_accuracy_max": float(np.max(acc))},
        "regression": {"X": Xr.tolist(), "y": yr.tolist(), "n_train": 300,
                       "sklearn_r2_mean": float(np.mean(r2)),
                       "sklearn_r2_min": float(np.min(r2)),
                       "sklearn_r2_max": float(np.max(r2))},
    }


def main():
    cases = [
        tree_case("gini_unlimited", "classifier", {"criterion": "gini"}, 50, 3, 1, 0.2),
        tree_case("entropy_depth3", "classifier", {"criterion": "entropy", "max_depth": 3}, 80, 4, 2, 1.0),
        tree_case("gini_leaf3_split6", "classifier",
                  {"criterion": "gini", "min_samples_leaf": 3, "min_samples_split": 6}, 90, 3, 3, 0.5),
        # Unlimited regression trees split down to single rows, and a two-row node can be split
        # equally well by every feature where the rows differ: one feature avoids such ties.
        tree_case("squared_error_unlimited", "regressor", {}, 50, 1, 4, 0.5),
        tree_case("squared_error_depth4_leaf2", "regressor",
                  {"max_depth": 4, "min_samples_leaf": 2}, 70, 3, 5, 0.5),
    ]
    with open(os.path.join(HERE, "tree_fixtures.json"), "w") as f:
        json.dump({"generator": "gen_tree_fixtures.py", "sklearn": "1.2.1", "cases": cases}, f)
    with open(os.path.join(HERE, "forest_fixtures.json"), "w") as f:
        json.dump(forest_fixture(), f)


if __name__ == "__main__":
    main()
