"""The MNIST autoencoder lab: data, models, the L1 training loop, the judge, and PNG grids;
clustering/ scores codes against digits, sharpening/ retrains with dis_net, runs/ records it all."""
