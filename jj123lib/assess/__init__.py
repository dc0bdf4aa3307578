"""Judgements that never write: lights, 对标 signals, the units' 红黄榜."""
