"""Everything Qt: the gradient-flow explorer window and its helpers."""
