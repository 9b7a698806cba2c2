#!/usr/bin/python3
# Writes the scikit-learn reference outputs used by tests/preprocessing/*_test.cpp.
# Run with /usr/bin/python3 (scikit-learn 1.2.1) from this directory:
#   /usr/bin/python3 gen_scalers.py
# Input: 9 rows x 3 features with NaN entries (empty fields in input.csv) and a column that
# spans several orders of magnitude. Each output CSV has the same header and shape.
import csv

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MinMaxScaler, StandardScaler

rng = np.random.RandomState(7)
X = np.column_stack([
    rng.normal(300.0, 2.0, 9),          # air temperature in kelvin: large mean, small spread
    rng.exponential(50.0, 9),           # torque-like, skewed
    rng.randint(0, 4, 9).astype(float), # small integers with ties (most_frequent)
])
X[1, 0] = np.nan
X[4, 1] = np.nan
X[6, 2] = np.nan
X[7, 0] = np.nan
names = ["a", "b", "c"]


def write(path, M):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(names)
        for row in M:
            w.writerow(["" if np.isnan(v) else repr(float(v)) for v in row])


write("input.csv", X)
write("standard.csv", StandardScaler().fit_transform(X))
write("standard_no_mean.csv", StandardScaler(with_mean=False).fit_transform(X))
write("minmax.csv", MinMaxScaler().fit_transform(X))
write("minmax_m1_2.csv", MinMaxScaler(feature_range=(-1, 2)).fit_transform(X))
for strategy in ["mean", "median", "most_frequent"]:
    write("imputer_%s.csv" % strategy, SimpleImputer(strategy=strategy).fit_transform(X))
