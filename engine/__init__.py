"""The science of bumptui, no user interface: one package per lab, and `numbers` that both use.

engine.bump is the optimizer lab; engine.autoencoder the MNIST autoencoder lab."""
