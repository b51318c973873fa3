"""Kata 13 benchmark, the lesson's own way: scikit-learn's RandomForestRegressor and GradientBoostingRegressor on
the same train.csv, test_size=0.33, random_state=42, one after another and in a Pool of two processes.
Benchmark only (python3-sklearn from Debian), never part of CI."""
import sys
import time
from multiprocessing import Pool

import pandas as pd
import sklearn
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

path = sys.argv[1]
started = time.perf_counter()
data = pd.read_csv(path)
X = data.drop(["ID", "target"], axis=1)
y = data["target"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.33, random_state=42)
load = time.perf_counter() - started


def calculate_quality(model):
    started = time.perf_counter()
    model.fit(X_train, y_train)
    return r2_score(y_test, model.predict(X_test)), time.perf_counter() - started


models = [RandomForestRegressor(random_state=42), GradientBoostingRegressor(random_state=42)]
if __name__ == "__main__":
    started = time.perf_counter()
    alone = [calculate_quality(model) for model in models]
    sequential = time.perf_counter() - started
    started = time.perf_counter()
    with Pool(processes=2) as pool:
        together = pool.map(calculate_quality, models)
    parallel = time.perf_counter() - started
    print(f"scikit-learn {sklearn.__version__} (one core per model, the lesson's defaults); load and split {load:.1f} s")
    print()
    print("| model | train + predict | R² |")
    print("|---|---|---|")
    for model, (r2, seconds) in zip(models, alone):
        print(f"| {type(model).__name__} | {seconds:.1f} s | {r2:.4f} |")
    ideal = sequential / max(seconds for _, seconds in alone)
    print()
    print(f"One after another {sequential:.1f} s; Pool(2) {parallel:.1f} s: {sequential / parallel:.2f}x (ideal {ideal:.2f}x); "
          f"same R² in the pool: {all(abs(a[0] - b[0]) < 1e-12 for a, b in zip(alone, together))}")
