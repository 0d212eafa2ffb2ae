"""Linear programmes over counts, as the secondary suppression (pipeline/suppression.py)
and its attacker's audit (tests/disclosure.py) bound hidden cells: one model per period
and area, solved for one objective after another."""

from __future__ import annotations

import numpy as np

LP_UNBOUNDED = 3  # scipy.optimize.linprog's status for a programme without a finite optimum


class Programme:
    """One linear programme's constraints (equations `a_eq x = b_eq`, inequalities
    `a_ub x <= b_ub`, each unknown at least its `lower`), solved for one objective after
    another, each from where the last ended, by HiGHS as scipy ships it (the solver
    scipy.optimize.linprog calls: linprog converts the matrices anew at every call, about
    two thirds of the time of the suppression's and the audit's programmes). `minimum(cost)`
    is (LP status as linprog's: 0 solved, LP_UNBOUNDED, else 4; the point); `said` is the
    last status in HiGHS's words."""

    def __init__(self, a_eq, b_eq, a_ub, b_ub, lower: np.ndarray):
        from scipy.optimize._highspy import _core
        from scipy.sparse import csc_matrix

        self._core = _core
        columns = len(lower)
        parts, row_lower, row_upper = [], [], []
        if a_eq is not None:
            parts.append(np.asarray(a_eq, dtype="float64"))
            row_lower.append(b_eq)
            row_upper.append(b_eq)
        if a_ub is not None:
            parts.append(np.asarray(a_ub, dtype="float64"))
            row_lower.append(np.full(len(b_ub), -_core.kHighsInf))
            row_upper.append(b_ub)
        stacked = np.vstack(parts) if parts else np.zeros((0, columns))
        matrix = csc_matrix(stacked)
        lp = _core.HighsLp()
        lp.num_col_, lp.num_row_ = columns, matrix.shape[0]
        lp.col_cost_ = np.zeros(columns)
        lp.col_lower_ = np.asarray(lower, dtype=np.float64)
        lp.col_upper_ = np.full(columns, _core.kHighsInf)
        lp.row_lower_ = np.concatenate(row_lower) if row_lower else np.zeros(0)
        lp.row_upper_ = np.concatenate(row_upper) if row_upper else np.zeros(0)
        lp.a_matrix_.format_ = _core.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = columns, matrix.shape[0]
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(np.float64)
        self._highs = _core._Highs()
        self._highs.setOptionValue("output_flag", False)
        self._highs.passModel(lp)
        self._columns = np.arange(columns, dtype=np.int32)

    def minimum(self, cost: np.ndarray) -> tuple[int, np.ndarray | None]:
        highs, core = self._highs, self._core
        highs.changeColsCost(len(cost), self._columns, np.asarray(cost, dtype=np.float64))
        highs.run()
        status = highs.getModelStatus()
        self.said = highs.modelStatusToString(status)
        if status == core.HighsModelStatus.kOptimal:
            return 0, np.asarray(highs.getSolution().col_value)
        if status == core.HighsModelStatus.kUnbounded:
            return LP_UNBOUNDED, None
        return 4, None
