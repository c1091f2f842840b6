"""Reference tables (copies from ../shared/data beside the repository: municipalities, e-Gov's list of laws in
force; curated laws.json); see README.md."""
