"""Non-plot panels of the explorer: the controls dock and the equations panel."""
