"""The year-end review (年度考评): outcomes, scores, its report, its 通报 and its batch."""
