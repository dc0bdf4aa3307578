"""The supervision loop: deadlines and 催报, 督办, 核实销号, 协调事项, 数据核查, 督查室意见."""
