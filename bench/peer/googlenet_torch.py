#!/usr/bin/python3
"""bvlc_googlenet in PyTorch (Debian's python3-torch), for the peer timing in
bench/peer/compare.py. Caffe's exact architecture: ceil-mode max pools, LRN
(size 5, alpha 1e-4, beta 0.75, k 1: torch divides alpha by size as Caffe
does), the same channels; random weights (speed does not depend on them);
parameters have requires_grad=False so backward computes the input gradient
only, as our engine does.

  googlenet_torch.py step H W REPS THREADS nchw|cl    forward to inception_4c
                                                     + input grad of mean(a^2)
  googlenet_torch.py forward H W REPS THREADS nchw|cl  whole network to prob
  googlenet_torch.py dream H W 1 THREADS nchw|cl      default 4-octave dream

Prints "ms_median=<m> ms_min=<m> peak_rss_kb=<k>" like bench_dream_step.
"""
import math
import random
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Inception(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, cp):
        super().__init__()
        self.b1 = nn.Conv2d(cin, c1, 1)
        self.b3r = nn.Conv2d(cin, c3r, 1)
        self.b3 = nn.Conv2d(c3r, c3, 3, padding=1)
        self.b5r = nn.Conv2d(cin, c5r, 1)
        self.b5 = nn.Conv2d(c5r, c5, 5, padding=2)
        self.bp = nn.Conv2d(cin, cp, 1)

    def forward(self, x):
        a = F.relu(self.b1(x))
        b = F.relu(self.b3(F.relu(self.b3r(x))))
        c = F.relu(self.b5(F.relu(self.b5r(x))))
        d = F.relu(self.bp(F.max_pool2d(x, 3, 1, 1, ceil_mode=True)))
        return torch.cat([a, b, c, d], 1)


class GoogLeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3)
        self.conv2r = nn.Conv2d(64, 64, 1)
        self.conv2 = nn.Conv2d(64, 192, 3, padding=1)
        self.lrn = nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1.0)
        self.i3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.i3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.i4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.i4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.i4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.i4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.i4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.i5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.i5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x, end="prob"):
        pool = lambda t: F.max_pool2d(t, 3, 2, ceil_mode=True)
        x = self.lrn(pool(F.relu(self.conv1(x))))
        x = pool(self.lrn(F.relu(self.conv2(F.relu(self.conv2r(x))))))
        x = pool(self.i3b(self.i3a(x)))
        x = self.i4c(self.i4b(self.i4a(x)))
        if end == "inception_4c":
            return x
        x = pool(self.i4e(self.i4d(x)))
        x = self.i5b(self.i5a(x))
        x = F.avg_pool2d(x, 7, 1, ceil_mode=True)
        return F.softmax(self.fc(torch.flatten(x, 1)), 1)


def make_net(layout):
    torch.manual_seed(1)
    net = GoogLeNet().eval()
    for p in net.parameters():
        p.requires_grad_(False)
    if layout == "cl":
        net = net.to(memory_format=torch.channels_last)
    return net


def prep(x, layout):
    return x.contiguous(memory_format=torch.channels_last) if layout == "cl" else x.contiguous()


def step_grad(net, x, layout):
    x = prep(x, layout).requires_grad_(True)
    a = net(x, "inception_4c")
    (a * a).mean().backward()
    return x.grad


def split_axis(length, tile):
    n = -(-length // tile)
    return [(length * i // n, length * (i + 1) // n) for i in range(n)]


def dream(net, img, layout, octaves=4, scale=1.4, iterations=10, jitter=32, step=1.5, tile=512):
    """The default dream of tools/dream: octave pyramid (bilinear), per step a
    random roll (jitter, plus a whole-tile offset when tiled), the gradient
    tile by tile (area-weighted), a step normalised by mean |g|."""
    rng = random.Random(0)
    h, w = img.shape[2:]
    sizes = [(h, w)]
    for _ in range(octaves - 1):
        ph, pw = sizes[-1]
        sizes.append((max(1, round(ph / scale)), max(1, round(pw / scale))))
    bases = [img]
    for s in sizes[1:]:
        bases.append(F.interpolate(bases[-1], size=s, mode="bilinear", align_corners=False))
    detail = None
    for base in reversed(bases):
        bh, bw = base.shape[2:]
        x = base.clone() if detail is None else base + F.interpolate(detail, size=(bh, bw), mode="bilinear",
                                                                     align_corners=False)
        for _ in range(iterations):
            dy, dx = rng.randint(-jitter, jitter), rng.randint(-jitter, jitter)
            if bh > tile or bw > tile:
                dy += rng.randint(0, tile - 1)
                dx += rng.randint(0, tile - 1)
            r = torch.roll(x, (dy, dx), (2, 3))
            g = torch.empty_like(r)
            for y0, y1 in split_axis(bh, tile):
                for x0, x1 in split_axis(bw, tile):
                    gt = step_grad(net, r[:, :, y0:y1, x0:x1], layout)
                    g[:, :, y0:y1, x0:x1] = gt * ((y1 - y0) * (x1 - x0) / (bh * bw))
            r += g * (step / (g.abs().mean() + 1e-8))
            x = torch.roll(r, (-dy, -dx), (2, 3))
        detail = x - base
    return x


def main():
    mode, h, w, reps, threads, layout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), \
        int(sys.argv[5]), sys.argv[6]
    torch.set_num_threads(threads)
    net = make_net(layout)
    gen = torch.Generator().manual_seed(12345)
    x = torch.rand(1, 3, h, w, generator=gen) * 255.0 - 127.5
    if mode == "step":
        run = lambda: step_grad(net, x, layout)
    elif mode == "forward":
        def run():
            with torch.no_grad():
                return net(prep(x, layout))
    elif mode == "dream":
        run = lambda: dream(net, x, layout)
    else:
        sys.exit("unknown mode " + mode)
    if mode != "dream":
        run()  # warm-up (oneDNN primitive creation, page faults)
    ms = []
    for _ in range(reps):
        t0 = time.perf_counter()
        run()
        ms.append((time.perf_counter() - t0) * 1e3)
    ms.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("ms_median=%.2f ms_min=%.2f peak_rss_kb=%d" % (ms[len(ms) // 2], ms[0], rss))


if __name__ == "__main__":
    main()
