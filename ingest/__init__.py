"""Land the REES46 e-commerce clickstream as a partitioned Parquet lake, and make data of the same shape."""
