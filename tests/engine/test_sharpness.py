import torch

from bumptui.engine.autoencoder.mnist import load_mnist
from bumptui.engine.autoencoder.sharpening.blur import blur, sharpness_ratio, sobel_magnitude


def digits(n=500):
    return torch.from_numpy(load_mnist().test_images[:n].copy()).float().div(255)


def test_blur_lowers_sharpness_into_the_measured_range():
    x = digits()
    blurred = blur(x, 5, (1.0, 2.0), torch.Generator().manual_seed(0))
    assert blurred.shape == x.shape
    ratio = sharpness_ratio(blurred, x)
    assert 0.55 < ratio < 0.8, ratio
    assert sharpness_ratio(x, x) == 1.0


def test_each_image_gets_its_own_sigma():
    x = digits(200)
    g = torch.Generator().manual_seed(1)
    blurred = blur(x, 5, (1.0, 2.0), g)
    per_image = sobel_magnitude(blurred) / sobel_magnitude(x)
    assert per_image.std() > 0.03, "sigmas differ from image to image"
    stronger = blur(x, 5, (2.0, 2.0), torch.Generator().manual_seed(1))
    assert sharpness_ratio(stronger, x) < sharpness_ratio(blur(x, 5, (1.0, 1.0)), x)


def test_sobel_is_zero_on_flat_images_and_positive_on_edges():
    flat = torch.full((2, 784), 0.5)
    assert sobel_magnitude(flat).tolist() == [0.0, 0.0]
    edge = torch.zeros(1, 28, 28)
    edge[:, :, 14:] = 1.0  # a vertical step: |gx| = 4 on the two columns beside it, 0 elsewhere
    assert abs(sobel_magnitude(edge).item() - 4 * 2 / 28) < 1e-6
