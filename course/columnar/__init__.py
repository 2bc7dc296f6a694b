"""Module 1 (columnar formats) support: Parquet layout helpers and the columnar benchmark."""
