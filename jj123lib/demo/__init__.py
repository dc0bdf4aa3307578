"""Demo data (示例数据), generated through the real paths."""
