"""A study: the whole autoencoder study rerun over many seeds, and its claims judged over them."""
