"""What several Dagster domains share: asset keys, the warehouse pool, the monthly partitions."""
