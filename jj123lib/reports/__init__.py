"""The reports' view-models: the leader report, the overview, the analyst's view, 对标 sections."""
