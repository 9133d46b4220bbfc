import torch

from bumptui.engine.autoencoder.sharpening.dis_net import DisNet, clear_scores, dis_accuracy, train_dis_net
from bumptui.engine.autoencoder.mnist import load_mnist
from bumptui.engine.autoencoder.sharpening.blur import blur


def test_dis_net_learns_to_tell_blurred_from_clear_on_a_small_set():
    data = load_mnist()
    train = torch.from_numpy(data.train_images[:2000].reshape(2000, -1).copy())
    held_out = torch.from_numpy(data.test_images[:1000].reshape(1000, -1).copy()).float().div(255)
    untrained = dis_accuracy(DisNet(), held_out)
    dis = train_dis_net(train, epochs=2)
    acc = dis_accuracy(dis, held_out)
    assert acc > 0.9 and acc > untrained + 0.3, (acc, untrained)
    blurred = blur(held_out, 5, (1.0, 2.0), torch.Generator().manual_seed(3))
    clear, fuzzy = clear_scores(dis, held_out).mean(), clear_scores(dis, blurred).mean()
    assert clear > 0.5 > fuzzy and clear - fuzzy > 0.25, (clear, fuzzy)


def test_a_set_cancel_stops_dis_net_training():
    import threading

    cancel = threading.Event()
    cancel.set()
    train = torch.zeros(256, 784, dtype=torch.uint8)
    assert train_dis_net(train, cancel=cancel) is None
