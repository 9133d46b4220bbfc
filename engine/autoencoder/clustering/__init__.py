"""How well a model's codes cluster by digit: clustering methods and their scores against the
digits (purity, NMI, ARI, Hungarian accuracy, the contingency table)."""
