#!/usr/bin/env python3
"""Prints the reference values the statistics tests compare against, as JSON.

Run: python3 scripts/stats-vectors.py > test/fixtures/stats-vectors.json
Needs NumPy and SciPy (Debian: python3-numpy python3-scipy); the tests read the committed JSON.
"""
import json

import numpy as np
from scipy import stats

rng = np.random.default_rng(8)


def corr_case(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return {
        "name": name,
        "x": x.tolist(),
        "y": y.tolist(),
        "pearson": float(stats.pearsonr(x, y).statistic),
        "spearman": float(stats.spearmanr(x, y).statistic),
        "ranksX": stats.rankdata(x, method="average").tolist(),
    }


def ols_case(name, y, predictors):
    y = np.asarray(y, dtype=float)
    names = list(predictors)
    X = np.column_stack([np.ones(len(y))] + [np.asarray(predictors[k], dtype=float) for k in names])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    n, p = X.shape
    resid = y - X @ beta
    df = n - p
    sigma2 = float(resid @ resid) / df
    cov = sigma2 * np.linalg.inv(X.T @ X)
    se = np.sqrt(np.diag(cov))
    crit = stats.t.ppf(0.975, df)
    tss = float(((y - y.mean()) ** 2).sum())
    return {
        "name": name,
        "y": y.tolist(),
        "predictors": {k: np.asarray(v, dtype=float).tolist() for k, v in predictors.items()},
        "df": int(df),
        "rSquared": 1 - float(resid @ resid) / tss,
        "coefficients": [
            {"name": nm, "estimate": float(b), "standardError": float(s), "low": float(b - crit * s), "high": float(b + crit * s)}
            for nm, b, s in zip(["(intercept)"] + names, beta, se)
        ],
    }


x1 = rng.normal(1000, 300, 40).round(0)
y1 = (0.0002 * x1 + rng.normal(0, 0.08, 40)).round(4)
ties_x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]
ties_y = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4]
neg_x = rng.exponential(500, 25).round(1)
neg_y = (-0.00015 * neg_x + rng.normal(0.3, 0.05, 25)).round(4)

n = 60
words = rng.integers(50, 900, n).astype(float)
has_quiz = rng.integers(0, 2, n).astype(float)
video = rng.integers(0, 2, n).astype(float)
captions = (video * rng.integers(0, 2, n)).astype(float)
personal = rng.integers(0, 2, n).astype(float)
gain = 0.1 + 0.00008 * words + 0.05 * has_quiz + 0.03 * captions - 0.02 * personal + rng.normal(0, 0.04, n)

out = {
    "generatedBy": "scripts/stats-vectors.py (numpy %s, scipy %s)" % (np.__version__, __import__("scipy").__version__),
    "tQuantile975": [{"df": d, "value": float(stats.t.ppf(0.975, d))} for d in [1, 2, 5, 10, 30, 100]],
    "correlations": [
        corr_case("views vs gain (n=40)", x1, y1),
        corr_case("ties on both sides (n=15)", ties_x, ties_y),
        corr_case("negative, skewed (n=25)", neg_x, neg_y),
        corr_case("three pairs", [1, 2, 3], [2, 1, 4]),
    ],
    "ols": [
        ols_case("gain on content features (n=60)", gain.round(6), {
            "words": words, "hasQuiz": has_quiz, "video": video, "captions": captions, "personal": personal,
        }),
        ols_case("one predictor (n=8)", [1.2, 1.9, 3.2, 3.8, 5.1, 6.3, 6.8, 8.1], {"x": [1, 2, 3, 4, 5, 6, 7, 8]}),
    ],
}
print(json.dumps(out, indent=2))
