"""Reference tables (CC0 data from /work/shared/data, curated laws.json); see README.md."""
