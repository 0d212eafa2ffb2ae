"""Linear algebra on small matrices, on one BLAS thread.

numpy's and scipy's OpenBLAS runs every call on a thread per core, however small the
matrix. The forecast's ETS fits (statsmodels: L-BFGS-B over series of about 90 months) and
the suppression's null spaces (matrices of at most 58 x 71 on the sample) make thousands of
such calls. On two cores the threads cost more than the work, and far more when the other
core is busy, as it is in a refresh (DuckDB, dbt's second thread).

`one_blas_thread` caps OpenBLAS (or MKL) at one thread for the call it decorates and puts the
limit back after (threadpoolctl, joblib's library for this). The results are the same to the
last bit: the forecasts and the hidden cells of the sample were compared. The seconds
saved are in the closing note of the change that brought this (issue 16).
"""

from threadpoolctl import threadpool_limits

one_blas_thread = threadpool_limits.wrap(limits=1, user_api="blas")
