"""The optimizer lab: the 1-D loss with a bump, the optimizers' update rules, their walks over it,
the critical-height search (escape) and the sentence that narrates a walk. No torch here."""
