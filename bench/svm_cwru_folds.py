#!/usr/bin/python3
"""Cross-validation of StandardScaler -> SVC (RBF, C=1, gamma='scale') on the CWRU bearing
features, scikit-learn side, and the folds prognos' side (svm_cwru_cv) reuses.

    /usr/bin/python3 bench/svm_cwru_folds.py DATA.csv FOLDS.csv

Writes FOLDS.csv (one line per data row: the fold, 0..4, in which that row is tested;
StratifiedKFold, shuffled, seed 0) and prints scikit-learn's accuracy per fold and the mean.
"""
import sys

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


def main(data, folds_path):
    df = pd.read_csv(data)
    y = df["fault"].astype("category").cat.codes.to_numpy()
    X = df.drop(columns=["fault"]).to_numpy(dtype=float)
    fold = np.zeros(len(y), dtype=int)
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    accs = []
    for k, (tr, te) in enumerate(skf.split(X, y)):
        fold[te] = k
        m = make_pipeline(StandardScaler(), SVC(C=1.0, gamma="scale", tol=1e-3)).fit(X[tr], y[tr])
        accs.append(float((m.predict(X[te]) == y[te]).mean()))
    np.savetxt(folds_path, fold, fmt="%d")
    print("sklearn folds", " ".join("%.4f" % a for a in accs), "mean %.4f" % np.mean(accs))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
