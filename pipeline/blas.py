"""Linear algebra on small matrices, on one BLAS thread.

numpy's and scipy's OpenBLAS runs every call on a thread per core, however small the
matrix. The forecast's ETS fits (statsmodels: L-BFGS-B over series of about 90 months) and
the suppression's null spaces (matrices of at most 58 x 71 on the sample) make thousands of
such calls. On two cores the threads cost more than the work, and far more when the other
core is busy, as it is in a refresh (DuckDB, dbt's second thread).

`one_blas_thread` caps OpenBLAS (or MKL) at one thread for the call it decorates and puts the
limit back after (threadpoolctl, joblib's library for this). Measured on the sample's marts
(2 cores):
- the other core busy: the suppression's 486 null spaces 3.3 s -> 0.06 s (the whole
  suppression 4.2 s -> 1.1 s); the forecast 13.6 s -> 3.2 s;
- the other core idle: about the same either way (the forecast 2.6-2.9 s).
The results are the same to the last bit (the 84 forecast rows and the 5,378 hidden cells
compared). The limit is the process's, not the thread's: while it holds, BLAS calls of other
threads (dbt runs two models at a time) run on one thread too, which changes their speed,
never their results.
"""

# threadpoolctl limits the BLAS libraries loaded when the limit is set, not those loaded
# while it holds. numpy and scipy each bring their own OpenBLAS, and the functions import
# scipy inside: in a process's first call (dbt runs the suppression and the forecast once
# per process) scipy's ran on a thread per core, limited only from a second call on (seen
# with threadpool_info inside the call: 2 threads, then 1). Both are loaded here, before
# any limit.
import numpy  # noqa: F401
import scipy.linalg  # noqa: F401
from threadpoolctl import threadpool_limits

one_blas_thread = threadpool_limits.wrap(limits=1, user_api="blas")
