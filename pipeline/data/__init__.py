"""Reference tables (copies from /work/shared/data: municipalities, e-Gov's list of laws in
force; curated laws.json); see README.md."""
