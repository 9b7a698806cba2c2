#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes metrics_fixtures.json: random labels, scores and regression values with scikit-learn's
values for every metric prognos implements. Run with /usr/bin/python3 (scikit-learn 1.2.1):

    /usr/bin/python3 tests/data/metrics/gen_metrics_fixtures.py

Scores are rounded to one or two decimals so that ties occur, which is where ROC AUC and
average precision implementations usually disagree.
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics

rng = np.random.default_rng(20240611)
out = {"sklearn_version": sklearn.__version__, "classification": [], "binary": [],
       "regression": []}

# Classification: predictions agree with the truth 60% of the time; label sets include
# a label that only occurs in y_pred, so zero-division paths are exercised.
for n, classes, pred_extra in [(30, [0, 1], []), (50, [0, 1, 2], [3]), (40, [-1, 2, 5, 7], []),
                               (12, [1, 4], [9])]:
    y_true = rng.choice(classes, size=n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.choice(classes + pred_extra, size=n))
    labels = sorted(set(y_true) | set(y_pred))
    p, r, f, s = metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                         zero_division=0)
    avg = {}
    for kind in ["macro", "weighted"]:
        ap, ar, af, _ = metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                                average=kind, zero_division=0)
        avg[kind] = [float(ap), float(ar), float(af)]
    out["classification"].append({
        "y_true": y_true.tolist(), "y_pred": y_pred.tolist(),
        "labels": [int(v) for v in labels],
        "accuracy": metrics.accuracy_score(y_true, y_pred),
        "confusion_matrix": metrics.confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(),
        "support": s.tolist(), "macro": avg["macro"], "weighted": avg["weighted"],
        # one-class scores with the first label as positive, zero_division 1
        "positive_label": int(labels[0]),
        "precision_pos_zd1": metrics.precision_score(y_true, y_pred, labels=[labels[0]],
                                                     average="macro", zero_division=1),
        "recall_pos_zd1": metrics.recall_score(y_true, y_pred, labels=[labels[0]],
                                               average="macro", zero_division=1),
        "f1_pos_zd1": metrics.f1_score(y_true, y_pred, labels=[labels[0]], average="macro",
                                       zero_division=1),
    })

# Binary ranking: scores noisy around the label, rounded to create ties.
for n, decimals, pos_label, neg_label in [(40, 1, 1, 0), (60, 2, 1, 0), (25, 1, 3, -2),
                                          (9, 1, 1, 0)]:
    y01 = rng.random(n) < 0.4
    y01[0], y01[1] = True, False  # both classes present
    y_true = np.where(y01, pos_label, neg_label)
    score = np.round(0.35 * y01 + 0.65 * rng.random(n), decimals)
    fpr, tpr, thr = metrics.roc_curve(y_true, score, pos_label=pos_label,
                                      drop_intermediate=False)
    prec, rec, pthr = metrics.precision_recall_curve(y_true, score, pos_label=pos_label)
    out["binary"].append({
        "y_true": y_true.tolist(), "score": score.tolist(), "positive_label": pos_label,
        "roc_auc": metrics.roc_auc_score(y01.astype(int), score),
        "average_precision": metrics.average_precision_score(y_true, score,
                                                             pos_label=pos_label),
        "roc_fpr": fpr.tolist(), "roc_tpr": tpr.tolist(),
        "roc_thresholds_after_first": thr[1:].tolist(),
        "pr_precision": prec.tolist(), "pr_recall": rec.tolist(), "pr_thresholds": pthr.tolist(),
    })

# Regression, including constant targets (sklearn: R^2 = 0 unless the prediction is perfect).
# For six times 0.1 the mean is not exactly 0.1, SS_tot is a tiny non-zero number and
# sklearn returns about -5e31; prognos decides constancy on the values and returns 0, so that
# record is flagged and the test checks prognos' documented value instead.
for y_true, y_pred in [
    (rng.normal(10, 3, 30), None),
    (rng.normal(-2, 0.5, 15), None),
    (np.full(6, 2.0), np.array([2.0, 2.5, 1.0, 2.0, 2.0, 3.0])),
    (np.full(6, 0.1), np.array([0.1, 0.2, 0.0, 0.1, 0.1, 0.3])),
]:
    if y_pred is None:
        y_pred = y_true + rng.normal(0, 1, y_true.size)
    out["regression"].append({
        "y_true": y_true.tolist(), "y_pred": y_pred.tolist(),
        "mae": metrics.mean_absolute_error(y_true, y_pred),
        "mse": metrics.mean_squared_error(y_true, y_pred),
        "rmse": metrics.mean_squared_error(y_true, y_pred, squared=False),
        "r2": metrics.r2_score(y_true, y_pred),
        "r2_float_artefact": bool(np.all(y_true == y_true[0])
                                  and np.sum((y_true - y_true.mean()) ** 2) != 0),
    })

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics_fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
