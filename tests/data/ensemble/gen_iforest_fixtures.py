#!/usr/bin/python3
# Writes iforest_fixtures.json: scikit-learn's average path length c(n) of an isolation tree
# (sklearn.ensemble._iforest._average_path_length), the normaliser of isolation depths, at a few
# n. Run with /usr/bin/python3 (scikit-learn 1.2.1) from this directory.
import json

import numpy as np
from sklearn.ensemble._iforest import _average_path_length

ns = [1, 2, 3, 10, 256, 1000]
values = _average_path_length(np.array(ns)).tolist()
with open("iforest_fixtures.json", "w") as f:
    json.dump({"average_path_length": {"n": ns, "c": values}}, f, indent=1)
    f.write("\n")
