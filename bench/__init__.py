"""PCN Assistant benchmarks: ``python -m bench [--quick] [--only CASE ...]``.

Speed and memory of what users wait for, each held against a target and, for imports,
against the floor this machine allows (measured in the same run). See ``runner.py``.
"""
