"""Writes one_class_degenerate.json: scikit-learn 1.2.1 OneClassSVM on three degenerate
training sets where every row lies on (or within the solver tolerance of) the boundary.

Run with /usr/bin/python3 (which has scikit-learn 1.2.1) from this directory.

scikit-learn predicts -1 unless decision_function > 0, so on these sets it flags far more
than nu of the training rows (all 40 identical rows; all 200 rows with nu = 1e-9; two thirds
of 6 points repeated 50 times with nu = 0.05). prognos counts a row as an inlier when its
decision is above -tol (the solver's stopping tolerance); the test checks prognos's decisions
against scikit-learn's and its flagged fraction against nu.
"""
import json

import numpy as np
import sklearn
from sklearn.svm import OneClassSVM

assert sklearn.__version__ == "1.2.1", sklearn.__version__
TOL = 1e-3
rng = np.random.RandomState(0)
cases = []


def add(name, X, nu):
    m = OneClassSVM(nu=nu, tol=TOL).fit(X)  # rbf, gamma = 'scale'
    d = m.decision_function(X)
    cases.append({
        "name": name, "nu": nu, "X": X.tolist(), "decision": d.tolist(),
        "offset": float(m.offset_[0]),
        "sklearn_outlier_fraction": float((m.predict(X) == -1).mean()),
    })


add("identical_rows", np.ones((40, 3)), 0.5)
add("tiny_nu", np.round(rng.randn(200, 2), 4), 1e-9)
add("repeated_points", np.repeat(np.round(rng.randn(6, 2), 4), 50, axis=0), 0.05)

with open("one_class_degenerate.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "tol": TOL, "cases": cases}, f, indent=0)
