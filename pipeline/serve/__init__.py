"""Serve stage: Datasette on the archive (`app.serve`) and its plugin (`plugin`)."""
