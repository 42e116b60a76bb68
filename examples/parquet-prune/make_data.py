"""Writes events.parquet: 4 row groups of 6,144 rows, with Parquet bloom filters on a
string column (`country`) and an int64 column (`user_id`), as DuckDB writes them.

DuckDB writes a bloom filter for a column chunk only when the chunk is
dictionary-encoded, so each row group draws its values from a small set that
repeats, and the dictionary limit is raised. Row groups hold a multiple of
2,048 rows (DuckDB's vector size), so each is exactly one value of g. Each row group covers different
users and countries, so a filter can rule row groups out.

    pip install duckdb && python3 make_data.py
"""
import duckdb

con = duckdb.connect()
con.execute(
    """
    CREATE TABLE events AS
    SELECT
        g AS row_group,
        -- 200 users per row group, disjoint between row groups
        (g * 1000 + (i * 7919) % 200)::BIGINT AS user_id,
        -- 12 countries per row group, overlapping a little between row groups
        'country-' || lpad((g * 9 + (i * 31) % 12)::VARCHAR, 3, '0') AS country,
        i AS seq
    FROM range(4) t(g), range(6144) s(i)
    ORDER BY row_group, seq
    """
)
con.execute(
    """
    COPY (SELECT user_id, country FROM events ORDER BY row_group, seq)
    TO 'events.parquet'
    (FORMAT parquet, ROW_GROUP_SIZE 6144, DICTIONARY_SIZE_LIMIT 100000, COMPRESSION snappy)
    """
)
print("wrote events.parquet")
