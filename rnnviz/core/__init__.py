"""The rnnviz engine: recurrent cells, BPTT and Jacobian analysis in NumPy (no Qt here, ever)."""
