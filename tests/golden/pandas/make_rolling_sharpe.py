"""Writes rolling_sharpe.csv: QSTrader's legacy tearsheet rolling Sharpe ratio,
np.sqrt(252) * (r.rolling(w).mean() / r.rolling(w).std()), computed by pandas for w = 20 and 252.

Run from this folder with Debian 12's python3-pandas (pandas 1.5.3, numpy 1.24.2):
    /usr/bin/python3 make_rolling_sharpe.py
The returns are those of QSTrader's momentum_taa equity curve (../qstrader/momentum_taa), then
seeded random daily returns holding a run of zeros (an all-cash stretch) and a run of one
repeated nonzero value, where the window's standard deviation must come out exactly 0.
"""
import numpy as np
import pandas as pd

equity = pd.read_csv("../qstrader/momentum_taa/equity_curve.csv")["Equity"].to_numpy()
qstrader_returns = np.concatenate([[0.0], equity[1:] / equity[:-1] - 1.0])
rng = np.random.default_rng(20261126)
random_returns = rng.normal(0.0004, 0.012, 1500)
random_returns[300:620] = 0.0
random_returns[900:1200] = 0.00125
random_returns[1300] = np.nan
returns = pd.Series(np.concatenate([qstrader_returns, random_returns]))

columns = {"return": returns}
for window in (20, 252):
    rolling = returns.rolling(window)
    columns[f"sharpe_{window}"] = np.sqrt(252) * (rolling.mean() / rolling.std())
with open("rolling_sharpe.csv", "w") as out:
    out.write(",".join(columns) + "\n")
    for row in zip(*columns.values()):
        out.write(",".join(repr(float(v)) for v in row) + "\n")
